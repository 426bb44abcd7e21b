// The files that name the package's entry points agree with package.json's "exports": jsr.json
// (published to JSR from the TypeScript source), tsconfig.json's "paths" and deno.json's "imports"
// (so the demo imports the library by its package name, and only what users can import). JSR's own
// checks run too: `deno publish --dry-run` and `deno doc --lint` on the entry points.
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { BIN, BUILD_FILES, codeExports, pkg, readJson, ROOT, run, specifier } from './support.ts'

const MINUTE = 60_000

interface JsrJson {
  name: string
  version: string
  exports: Record<string, string>
  imports?: Record<string, string>
  publish?: { include?: string[]; exclude?: string[] }
}

const jsr = readJson<JsrJson>('jsr.json')
const LIBRARY = dirname(Object.values(codeExports())[0] ?? './src/session/index.ts').replace(/^\.\//, '')

describe('the entry points, as package.json exports them', () => {
  test('package.json exports code through dist/ from sources tsconfig.build.json compiles', () => {
    const exported = codeExports()
    expect(Object.keys(exported)).toContain('.')
    for (const source of Object.values(exported)) {
      expect(BUILD_FILES).toContain(source)
      expect(existsSync(join(ROOT, source))).toBe(true)
    }
  })

  test("tsconfig.json's paths map each export's name to its source, and nothing else of the package", () => {
    const paths = readJson<{ compilerOptions: { paths?: Record<string, string[]> } }>('tsconfig.json').compilerOptions.paths ?? {}
    const own = Object.fromEntries(Object.entries(paths).filter(([name]) => name === pkg.name || name.startsWith(`${pkg.name}/`)))
    const expected = Object.fromEntries(Object.entries(codeExports()).map(([subpath, source]) => [specifier(subpath), [source]]))
    expect(own).toEqual(expected)
  })

  test("deno.json's imports map each export's name to its source, and nothing else of the package", () => {
    const imports = readJson<{ imports?: Record<string, string> }>('deno.json').imports ?? {}
    const own = Object.fromEntries(Object.entries(imports).filter(([name]) => name === pkg.name || name.startsWith(`${pkg.name}/`)))
    const expected = Object.fromEntries(Object.entries(codeExports()).map(([subpath, source]) => [specifier(subpath), source]))
    expect(own).toEqual(expected)
  })

  test('the demo (src/ outside the library) imports the library only by its package name', () => {
    const library = join(ROOT, LIBRARY)
    const offending: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) {
          if (path !== library) walk(path)
          continue
        }
        if (!/\.tsx?$/.test(entry.name)) continue
        const text = readFileSync(path, 'utf8')
        for (const [, spec] of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) {
          const reaches = spec!.startsWith('.') && !relative(library, resolve(dirname(path), spec!)).startsWith('..')
          const deep = spec!.startsWith(`${pkg.name}/`) && !Object.keys(codeExports()).map(specifier).includes(spec!)
          if (reaches || deep) offending.push(`${relative(ROOT, path)}: ${spec}`)
        }
      }
    }
    walk(join(ROOT, 'src'))
    expect(offending).toEqual([])
  })
})

describe('JSR', () => {
  test('jsr.json has the version and the export subpaths of package.json, each pointing at its TypeScript source', () => {
    expect(jsr.name).toBe(`@${pkg.name}/${pkg.name}`)
    expect(jsr.version).toBe(pkg.version)
    expect(jsr.exports).toEqual(codeExports())
  })

  test("jsr.json's imports give each dependency and peer the range package.json gives it", () => {
    const ranges = { ...pkg.peerDependencies, ...pkg.dependencies }
    expect(jsr.imports ?? {}).toEqual(Object.fromEntries(Object.entries(ranges).map(([name, range]) => [name, `npm:${name}@${range}`])))
  })

  test('jsr.json publishes the library source, README.md and LICENSE only', () => {
    expect(jsr.publish?.include?.slice().sort()).toEqual([`${LIBRARY}/**/*.ts`, 'LICENSE', 'README.md'].sort())
  })

  // deno.json is the demo's (an import map, no "name"), so JSR's file is named explicitly. Deno's
  // cache starts empty: hono and jose come from the npm registry, as on JSR; jsr.io is not needed.
  let denoDir: string | undefined
  const deno = (args: string[]) => {
    denoDir ??= mkdtempSync(join(tmpdir(), 'hono-jwt-session-deno-'))
    return run([join(BIN, 'deno'), ...args, '--config', 'jsr.json'], { env: { DENO_DIR: denoDir } })
  }
  afterAll(() => {
    if (denoDir !== undefined) rmSync(denoDir, { recursive: true, force: true })
  })

  test(
    'deno publish --dry-run: type-checks, no slow types, and would upload exactly the library, README and LICENSE',
    async () => {
      const result = await deno(['publish', '--dry-run', '--allow-dirty'])
      const output = result.stdout + result.stderr
      expect({ code: result.code, output }).toEqual({ code: 0, output: expect.stringContaining('Dry run complete') })
      const files = [...output.matchAll(/^\s+file:\/\/(\S+) \(/gm)].map(([, path]) => relative(ROOT, path!)).sort()
      expect(files.length).toBeGreaterThan(Object.keys(jsr.exports).length)
      expect(files.filter((file) => !file.startsWith(`${LIBRARY}/`) && !['README.md', 'LICENSE', 'jsr.json'].includes(file))).toEqual([])
      for (const source of Object.values(jsr.exports)) expect(files).toContain(source.replace(/^\.\//, ''))
    },
    2 * MINUTE,
  )

  test(
    'deno doc --lint on the entry points: every export documented, no reference to an unexported type',
    async () => {
      const result = await deno(['doc', '--lint', ...Object.values(jsr.exports)])
      // One line per finding: where, which line of code, and the complaint.
      const findings: string[] = []
      let complaint = ''
      for (const line of (result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
        const head = /^error\[([\w-]+)\]: (.*)$/.exec(line)
        if (head !== null) complaint = `${head[1]}: ${head[2]}`
        const at = /^\s*--> (\S+):(\d+):\d+$/.exec(line)
        if (at !== null) {
          const code = readFileSync(at[1]!, 'utf8').split('\n')[Number(at[2]) - 1]?.trim() ?? ''
          findings.push(`${relative(ROOT, at[1]!)}:${at[2]}  ${code.slice(0, 70)}  — ${complaint}`)
        }
      }
      // A signature that uses hono's own types (Context, Env, MiddlewareHandler, HTTPException) is
      // reported as a reference to a private type: deno doc treats npm types as local files
      // (denoland/deno#27364), and re-exporting them only moves the errors into hono's own files.
      const HONO_TYPES = /references private type '(Context|Env|MiddlewareHandler|HTTPException)'$/
      expect(findings.filter((finding) => !HONO_TYPES.test(finding))).toEqual([])
    },
    2 * MINUTE,
  )
})
