// The package as users get it: packed by npm, linted, installed with npm into a throwaway project
// outside the repository next to another hono 4 minor, run on Node, Bun, Deno and workerd, and
// type-checked by a strict consumer with TypeScript 5 and 7. In the same project, the README's and
// docs' complete examples, read from them at test time (examples.ts), are type-checked strictly with
// each runtime's types and run on their runtime; and the README's instructions are followed as
// written. Nothing is cached between runs but npm's own cache: the tarball, the project and Deno's
// cache are made fresh in the temp dir.
import { afterAll, describe, expect, test } from 'bun:test'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sessionCookie } from 'hono-jwt-session/testing'
import { Miniflare } from 'miniflare'
import { freePort } from '../support/redis-server.ts'
import {
  bareImports,
  commandLine,
  denoAdd,
  EXPECTED,
  examples,
  fillPlaceholders,
  portIsFree,
  secretCommands,
  startListening,
  visitTwice,
  type Example,
  type ExampleId,
  type Visit,
} from './examples.ts'
import { BIN, mustRun, pkg, ROOT, run, sourceOf, targets } from './support.ts'

const MINUTE = 60_000
const CONSUMER = join(import.meta.dir, 'consumer')
// The temp dir holds the tarball, the consumer project and Deno's cache; made on first use, removed at the end.
let madeWork: string | undefined
const work = (): string => (madeWork ??= mkdtempSync(join(tmpdir(), 'hono-jwt-session-package-')))
const project = (): string => join(work(), 'consumer')
afterAll(async () => {
  // Type checks started in the background that no test awaited (in a run filtered with -t) end
  // first, so that nothing writes into the temp dir while it is removed.
  await Promise.allSettled([...Object.values(typeChecks), ...Object.values(exampleResults)])
  if (madeWork !== undefined) rmSync(madeWork, { recursive: true, force: true })
}, 3 * MINUTE)

/**
 * A queue for the compilers (tsc and deno check), which each keep a core busy for seconds: at most
 * `limit` run at once, first come first served, so that the machine's two cores are not shared by a
 * dozen of them and each test gets what it waits for in the order it was asked.
 */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: (() => void)[] = []
  return async (task) => {
    while (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}
const compiling = limiter(3)

/** Runs `make` once, on first use, and hands every caller the same promise. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined
  return () => (made ??= make())
}

interface PackInfo {
  filename: string
  files: { path: string }[]
}

function packInfo(stdout: string): PackInfo {
  const [info] = JSON.parse(stdout) as PackInfo[]
  if (info === undefined) throw new Error(`npm pack printed no package:\n${stdout}`)
  return info
}

/** `npm pack --dry-run --json`: runs prepack (the build) and lists what would be published. */
const dryRun = once(async () => packInfo((await mustRun(['npm', 'pack', '--dry-run', '--json'])).stdout))

/** The real tarball, packed from the build the dry run just made, with the same file list. */
const tarball = once(async () => {
  const listed = await dryRun()
  const packed = packInfo((await mustRun(['npm', 'pack', '--json', '--ignore-scripts', '--pack-destination', work()])).stdout)
  expect(packed.files.map((f) => f.path).sort()).toEqual(listed.files.map((f) => f.path).sort())
  return join(work(), packed.filename)
})

// hono as our lockfile has it, and the consumer's: the minor below (or above, for 4.0).
const bunLock = Bun.JSONC.parse(readFileSync(join(ROOT, 'bun.lock'), 'utf8')) as { packages: Record<string, [string, ...unknown[]]> }
const lockedHono = /^hono@(4\.\d+\.\d+)$/.exec(bunLock.packages.hono?.[0] ?? '')?.[1]
if (lockedHono === undefined) throw new Error(`bun.lock does not hold hono 4: ${String(bunLock.packages.hono?.[0])}`)
const lockedMinor = Number(lockedHono.split('.')[1])
const consumerMinor = lockedMinor > 0 ? lockedMinor - 1 : 1

/** A package as our lockfile pins it: the consumer gets the versions the repository is tested with. */
function locked(name: string): string {
  const entry = bunLock.packages[name]?.[0] ?? ''
  const version = entry.startsWith(`${name}@`) ? entry.slice(name.length + 1) : undefined
  if (version === undefined || version === '') throw new Error(`bun.lock does not hold ${name}`)
  return version
}

// What the README's examples need besides hono and the package: @hono/node-server (the Node quick
// start's install), and each runtime's types for their strict type checks.
const EXAMPLE_DEPENDENCIES = { '@hono/node-server': locked('@hono/node-server') }
const EXAMPLE_DEV_DEPENDENCIES = Object.fromEntries(['@types/node', '@types/bun', '@cloudflare/workers-types'].map((name) => [name, locked(name)]))

const DENO = join(BIN, 'deno')
const TSC = { 5: () => join(project(), 'node_modules/.bin/tsc'), 7: () => join(BIN, 'tsc') } as const
const TS_VERSION = { 5: /^Version 5\.9\.\d+$/, 7: /^Version 7\.0\.\d+$/ } as const
const CONFIG = { nodenext: 'tsconfig.json', bundler: 'tsconfig.bundler.json' } as const

/**
 * The throwaway project: the consumer's files, and the tarball installed by npm with hono and
 * TypeScript 5, and what the README's examples need besides.
 */
const installed = once(async () => {
  const file = await tarball()
  const dir = project()
  cpSync(CONSUMER, dir, { recursive: true })
  const manifest = {
    name: 'consumer',
    private: true,
    type: 'module',
    dependencies: { hono: `~4.${consumerMinor}.0`, [pkg.name]: `file:${file}`, ...EXAMPLE_DEPENDENCIES },
    devDependencies: { typescript: '~5.9.0', ...EXAMPLE_DEV_DEPENDENCIES },
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  await mustRun(['npm', 'install', '--no-audit', '--no-fund', '--update-notifier=false'], { cwd: dir })
  return dir
})

/** TypeScript 5, the project's own, compiles the consumer for Node (the type checks are below). */
const emitted = once(async () => {
  const dir = await installed()
  return compiling(() => mustRun([TSC[5](), '-p', CONFIG.nodenext, '--noCheck', '--pretty', 'false'], { cwd: dir }))
})

type TsVersion = keyof typeof TSC
type Resolution = keyof typeof CONFIG
const COMBINATIONS = ([5, 7] as const).flatMap((ts) => (['nodenext', 'bundler'] as const).map((resolution) => ({ ts, resolution })))

interface TypeCheck {
  version: string
  code: number
  output: string
  errors: { file: string; line: number; code: string }[]
  /** The lines of mutant/types.ts that had a directive over them. */
  expected: number[]
  unusedLine: number
}

/**
 * One compile of the consumer's src/ plus a mutant of it: mutant/types.ts is src/types.ts with its
 * `@ts-expect-error` directives blanked out (same line numbers), and mutant/unused-expect-error.ts has
 * one directive over a valid line. src/ must compile cleanly; the mutant must fail with an error on
 * exactly each line a directive covered, and TS2578 (unused directive) on the valid line.
 */
const typeChecks: Record<string, Promise<TypeCheck>> = {}
const DIRECTIVE = /^\s*\/\/ @ts-expect-error\b/

function typeCheck(ts: TsVersion, resolution: Resolution): Promise<TypeCheck> {
  return (typeChecks[`${ts}-${resolution}`] ??= (async () => {
    const dir = await installed()
    const version = (await mustRun([TSC[ts](), '--version'], { cwd: dir })).stdout.trim()
    const mutant = `mutant-${ts}-${resolution}`
    cpSync(join(dir, 'src'), join(dir, mutant), { recursive: true })
    cpSync(join(dir, 'unused-expect-error.ts'), join(dir, mutant, 'unused-expect-error.ts'))
    const lines = readFileSync(join(dir, 'src/types.ts'), 'utf8').split('\n')
    const expected = lines.flatMap((line, i) => (DIRECTIVE.test(line) ? [i + 2] : []))
    writeFileSync(join(dir, mutant, 'types.ts'), lines.map((line) => line.replace('@ts-expect-error', '(blanked)')).join('\n'))
    const unusedLine = readFileSync(join(dir, 'unused-expect-error.ts'), 'utf8').split('\n').findIndex((line) => DIRECTIVE.test(line)) + 1
    const config = `tsconfig.${mutant}.json`
    writeFileSync(
      join(dir, config),
      JSON.stringify({ extends: `./${CONFIG[resolution]}`, compilerOptions: { rootDir: '.', noEmit: true }, include: ['src', mutant] }),
    )
    const result = await compiling(() => run([TSC[ts](), '-p', config, '--pretty', 'false'], { cwd: dir }))
    const errors = [...result.stdout.matchAll(/^(\S+?)\((\d+),\d+\): error (TS\d+)/gm)].map(([, file, line, code]) => ({
      file: file!.replace(`${mutant}/`, 'mutant/'),
      line: Number(line),
      code: code!,
    }))
    const output = result.stdout + result.stderr
    // Every error tsc printed was understood (one that names no file would otherwise go unseen).
    if ((output.match(/error TS\d+/g) ?? []).length !== errors.length) throw new Error(`unexpected tsc output:\n${output}`)
    return { version, code: result.code, output, errors, expected, unusedLine }
  })())
}

// The README's and docs' complete examples (see examples.ts), each written into readme/<id>/ of the
// same project, next to the consumer's tsconfig for its runtime (test/package/consumer/readme/).
const SESSION_SECRET = 'the secret of the README examples, 32 bytes or more'
const exampleDir = (id: ExampleId): string => join(project(), 'readme', id)
const DENO_README_CACHE = (): string => join(work(), 'deno-readme-cache')

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(project(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
}

/**
 * The Deno quick start's project: deno.json gets the imports the README's first `deno add` of npm
 * packages writes (each at `^` the version installed, which node_modules then serves), besides
 * readme/deno/deno.json's strict flags. deno.all.json is the same without exactOptionalPropertyTypes,
 * for `deno check --all`, which also checks Deno's own bundled Node types: those fail that flag under
 * Deno's TypeScript 6 (microsoft/TypeScript#62569), which no consumer code can change.
 */
function writeDenoConfig(example: Example, dir: string): void {
  const add = example.install.find(({ command }) => /^deno add\s/.test(command) && denoAdd(command).every(({ registry }) => registry === 'npm'))
  if (add === undefined) throw new Error(`README.md's Deno install row has no \`deno add\` of npm packages only: the Deno quick start cannot run from node_modules`)
  const imports = Object.fromEntries(denoAdd(add.command).map(({ key, name }) => [key, `npm:${name}@^${installedVersion(name)}`]))
  const config = Bun.JSONC.parse(readFileSync(join(dir, 'deno.json'), 'utf8')) as { compilerOptions: Record<string, unknown> }
  writeFileSync(join(dir, 'deno.json'), JSON.stringify({ imports, ...config }, null, 2))
  const { exactOptionalPropertyTypes: _, ...withoutExact } = config.compilerOptions
  writeFileSync(join(dir, 'deno.all.json'), JSON.stringify({ imports, ...config, compilerOptions: withoutExact }, null, 2))
}

/** Every example written where its marker says, with a Worker's wrangler.toml (the consumer's, then the docs' blocks) and Deno's import map. */
const examplesWritten = once(async () => {
  const dir = await installed()
  const list = examples()
  const compatibilityDate = (Bun.TOML.parse(readFileSync(join(dir, 'wrangler.toml'), 'utf8')) as { compatibility_date: string }).compatibility_date
  for (const example of list) {
    const at = exampleDir(example.id)
    for (const file of [example.program, ...example.files.filter((f) => f.path !== 'wrangler.toml')]) {
      mkdirSync(dirname(join(at, file.path)), { recursive: true })
      writeFileSync(join(at, file.path), file.text)
    }
    if (example.id === 'workers' || example.id === 'durable-object') {
      const fromDocs = example.files.filter((f) => f.path === 'wrangler.toml').map((f) => f.text)
      const base = [`name = "${example.id}"`, `main = "${example.program.path}"`, `compatibility_date = "${compatibilityDate}"`, '']
      writeFileSync(join(at, 'wrangler.toml'), [...base, ...fromDocs].join('\n'))
    }
    if (example.id === 'deno') writeDenoConfig(example, at)
  }
  return list
})

const exampleOf = async (id: ExampleId): Promise<Example> => (await examplesWritten()).find((e) => e.id === id)!

/** Each example's type checks: a name, and the command, run in the example's directory. */
function exampleTypeChecks(example: Example): { name: string; argv: string[] }[] {
  const file = example.program.path
  if (example.id === 'deno') {
    return [
      { name: 'deno check', argv: [DENO, 'check', '--cached-only', file] },
      { name: 'deno check --all', argv: [DENO, 'check', '--all', '--cached-only', '--config', 'deno.all.json', file] },
    ]
  }
  const checks = ([5, 7] as const).map((ts) => ({ name: `TypeScript ${ts}, bundler`, argv: [TSC[ts](), '-p', 'tsconfig.json', '--pretty', 'false'] }))
  if (example.id !== 'node') return checks
  // nodenext: TypeScript 5 also emits dist/, which the Node run starts.
  return [
    ...checks,
    { name: 'TypeScript 5, nodenext', argv: [TSC[5](), '-p', 'tsconfig.nodenext.json', '--pretty', 'false'] },
    { name: 'TypeScript 7, nodenext', argv: [TSC[7](), '-p', 'tsconfig.nodenext.json', '--noEmit', '--pretty', 'false'] },
  ]
}

/** Each check's errors ('' when it passed), by name; run once per example, all its checks at once. */
const exampleResults: Partial<Record<ExampleId, Promise<Record<string, string>>>> = {}
function typeCheckExample(id: ExampleId): Promise<Record<string, string>> {
  return (exampleResults[id] ??= (async () => {
    const example = await exampleOf(id)
    const results = await Promise.all(
      exampleTypeChecks(example).map(async ({ name, argv }) => {
        const result = await compiling(() => run(argv, { cwd: exampleDir(id), env: { DENO_DIR: DENO_README_CACHE() } }))
        return [name, result.code === 0 ? '' : `exited ${result.code}:\n${(result.stdout + result.stderr).trim()}`] as const
      }),
    )
    return Object.fromEntries(results)
  })())
}

/** The installed project, with the four type checks and the examples' started alongside whatever runs next. */
const prepared = once(async () => {
  const dir = await installed()
  // In the order the tests wait for them: the consumer's emit first, the examples' last.
  void emitted().catch(() => {})
  for (const { ts, resolution } of COMBINATIONS) void typeCheck(ts, resolution).catch(() => {})
  for (const { id } of EXPECTED) void typeCheckExample(id).catch(() => {})
  return dir
})

interface Lock {
  packages: Record<string, { version?: string; resolved?: string } & Partial<Record<'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies', Record<string, string>>>>
}

/**
 * The lock's paths of `roots` and of everything they depend on (dependencies, optional and peer),
 * each dependency found as Node finds it: in the nearest node_modules from its dependent up.
 */
function closure(lock: Lock, roots: string[]): Set<string> {
  const seen = new Set<string>()
  const visit = (path: string): void => {
    const entry = lock.packages[path]
    if (entry === undefined || seen.has(path)) return
    seen.add(path)
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies })) {
      for (let base = path; ; base = base.slice(0, base.lastIndexOf('/node_modules/'))) {
        const candidate = `${base}/node_modules/${name}`
        if (lock.packages[candidate] !== undefined) {
          visit(candidate)
          break
        }
        if (!base.includes('/node_modules/')) {
          visit(`node_modules/${name}`)
          break
        }
      }
    }
  }
  for (const root of roots) visit(root)
  return seen
}

interface Report {
  passed: string[]
  expected: string[]
}

/** What the consumer's run.ts printed: every check it expects passed, and there are checks. */
function expectAllPassed(stdout: string): void {
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Report
  expect(report.expected.length).toBeGreaterThanOrEqual(10)
  expect(report.passed).toEqual(report.expected)
}

describe('npm pack', () => {
  test(
    'publishes dist/**, package.json, README.md, LICENSE and CHANGELOG.md, and nothing else',
    async () => {
      const files = (await dryRun()).files.map((f) => f.path).sort()
      expect(files.filter((f) => !f.startsWith('dist/'))).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json'])
      // Each dist file is the JavaScript or declarations of a library source file: no demo, test or bench code.
      const foreign = files
        .filter((f) => f.startsWith('dist/'))
        .filter((f) => {
          const source = /\.(d\.ts|js)$/.test(f) ? sourceOf(`./${f}`) : undefined
          return source === undefined || !existsSync(join(ROOT, source))
        })
      expect(foreign).toEqual([])
      // Every export target (types included) and the bin are in it.
      const promised = [...targets(pkg.exports), ...Object.values(pkg.bin ?? {})].map((t) => t.replace(/^\.\//, ''))
      expect(promised.length).toBeGreaterThan(Object.keys(pkg.exports).length)
      expect(promised.filter((t) => !files.includes(t))).toEqual([])
    },
    MINUTE,
  )

  test(
    'publint --strict finds nothing',
    async () => {
      const result = await run([join(BIN, 'publint'), 'run', await tarball(), '--strict'])
      expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringContaining('All good!') })
    },
    MINUTE,
  )

  test(
    'attw --profile esm-only: every export resolves with its types; only CommonJS resolutions fail',
    async () => {
      const result = await run([join(BIN, 'attw'), await tarball(), '--profile', 'esm-only', '--format', 'json'])
      const report = JSON.parse(result.stdout) as {
        analysis: { entrypoints: Record<string, unknown> }
        problems?: Record<string, { entrypoint: string; resolutionKind?: string }[]>
      }
      expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(Object.keys(pkg.exports).sort())
      // esm-only ignores node10 and node16-from-CJS (there is no CommonJS build); anything else fails.
      const counted = Object.values(report.problems ?? {})
        .flat()
        .filter((problem) => !['node10', 'node16-cjs'].includes(problem.resolutionKind ?? ''))
      expect(counted).toEqual([])
      expect(result.code).toBe(0)
    },
    MINUTE,
  )
})

describe('installed with npm into a project outside the repository', () => {
  test(
    `next to hono 4.${consumerMinor} (ours is ${lockedHono}): one copy of hono, and only jose besides`,
    async () => {
      const dir = await prepared()
      const version = (JSON.parse(readFileSync(join(dir, 'node_modules/hono/package.json'), 'utf8')) as { version: string }).version
      expect(version.split('.').slice(0, 2).join('.')).toBe(`4.${consumerMinor}`)
      // Every package.json named hono anywhere under node_modules: exactly the top-level one.
      const honos: string[] = []
      const walk = (modules: string): void => {
        if (!existsSync(modules)) return
        for (const entry of readdirSync(modules)) {
          if (entry.startsWith('.')) continue
          const paths = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name)) : [join(modules, entry)]
          for (const path of paths) {
            if (path.endsWith(`${join('node_modules', 'hono')}`)) honos.push(path)
            walk(join(path, 'node_modules'))
          }
        }
      }
      walk(join(dir, 'node_modules'))
      expect(honos).toEqual([join(dir, 'node_modules/hono')])
      // What the package brought: its dependencies and its peers, nothing else.
      const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as Lock
      // The package is the tarball just packed.
      expect(lock.packages[`node_modules/${pkg.name}`]).toMatchObject({ version: pkg.version, resolved: expect.stringMatching(/^file:.*\.tgz$/) })
      // Everything installed that the consumer's other dependencies (hono, TypeScript, what the
      // README's examples need) do not bring themselves.
      const root = lock.packages[''] ?? {}
      const asked = Object.keys({ ...root.dependencies, ...root.devDependencies }).filter((name) => name !== pkg.name)
      const theirs = closure(lock, asked.map((name) => `node_modules/${name}`))
      const brought = Object.keys(lock.packages).filter((path) => path.startsWith('node_modules/') && path !== `node_modules/${pkg.name}` && !theirs.has(path))
      expect(brought.map((path) => path.replace(/^.*node_modules\//, '')).sort()).toEqual(Object.keys(pkg.dependencies ?? {}).sort())
    },
    2 * MINUTE,
  )

  test(
    'plain Node runs the consumer compiled by its own tsc, and the bin prints a secret',
    async () => {
      const dir = await prepared()
      await emitted()
      expectAllPassed((await mustRun(['node', 'out/run.js'], { cwd: dir })).stdout)
      const secret = await mustRun(['node', join('node_modules/.bin', Object.keys(pkg.bin ?? {})[0] ?? 'missing')], { cwd: dir })
      expect(secret.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    },
    2 * MINUTE,
  )

  test(
    'Bun runs the consumer',
    async () => {
      const dir = await prepared()
      expectAllPassed((await mustRun([process.execPath, 'src/run.ts'], { cwd: dir })).stdout)
    },
    2 * MINUTE,
  )

  test(
    "Deno runs the consumer from the project's node_modules (an empty Deno cache, --cached-only)",
    async () => {
      const dir = await prepared()
      const denoDir = join(work(), 'deno-run-cache')
      expectAllPassed((await mustRun([DENO, 'run', '--cached-only', 'src/run.ts'], { cwd: dir, env: { DENO_DIR: denoDir } })).stdout)
    },
    2 * MINUTE,
  )

  test(
    'workerd runs a Worker bundled by wrangler: options from a binding, the checks in the isolate',
    async () => {
      const dir = await prepared()
      const logs = join(work(), 'wrangler-logs')
      mkdirSync(logs, { recursive: true })
      await mustRun(['node', join(BIN, 'wrangler'), 'deploy', '--dry-run', '--outdir', 'build'], {
        cwd: dir,
        env: { WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: logs },
      })
      // Bundled from the throwaway project's node_modules: the tarball's dist and the consumer's hono.
      const map = JSON.parse(readFileSync(join(dir, 'build/worker.js.map'), 'utf8')) as { sources: string[] }
      const bundled = new Set(map.sources.map((source) => /node_modules\/([^/]+)\/dist\//.exec(source)?.[1]).filter(Boolean))
      expect([...bundled].sort()).toEqual(['hono', 'hono-jwt-session', 'jose'])

      const config = Bun.TOML.parse(readFileSync(join(dir, 'wrangler.toml'), 'utf8')) as { compatibility_date: string }
      const SESSION_SECRET = 'the Worker binding secret, 32 bytes or more'
      const mf = new Miniflare({
        modules: true,
        scriptPath: join(dir, 'build/worker.js'),
        modulesRoot: join(dir, 'build'),
        compatibilityDate: config.compatibility_date,
        bindings: { SESSION_SECRET },
      })
      try {
        const selftest = await mf.dispatchFetch('http://localhost/selftest')
        expectAllPassed(await selftest.text())

        // The factory-form middleware over HTTP: a cookie is set and read back…
        let res = await mf.dispatchFetch('http://localhost/')
        expect(await res.text()).toBe('visits=1')
        const cookie = (res.headers.get('Set-Cookie') ?? '').split(';')[0] ?? ''
        expect(cookie).toMatch(/^session=[\w-]+\.[\w-]+\.[\w-]+$/)
        res = await mf.dispatchFetch('http://localhost/', { headers: { Cookie: cookie } })
        expect(await res.text()).toBe('visits=2')
        // …a tampered one is anonymous…
        const tampered = cookie.slice(0, -8) + (cookie.slice(-8, -7) === 'A' ? 'B' : 'A') + cookie.slice(-7)
        res = await mf.dispatchFetch('http://localhost/', { headers: { Cookie: tampered } })
        expect(await res.text()).toBe('visits=1')
        // …and the secret is the binding's: a cookie made for it (by the installed testing helper) is
        // a logged-in user, one made with another secret is not.
        const testing = (await import(pathToFileURL(join(dir, 'node_modules', pkg.name, 'dist/testing.js')).href)) as {
          sessionCookie(options: object, data: object): Promise<string>
        }
        const me = async (secret: string) => {
          const made = await testing.sessionCookie({ secret, cookie: { secure: false } }, { username: 'grace' })
          return (await mf.dispatchFetch('http://localhost/me', { headers: { Cookie: made } })).json()
        }
        expect(await me(SESSION_SECRET)).toEqual({ username: 'grace' })
        expect(await me('some other secret that is 32 bytes long')).toEqual({ username: null })
      } finally {
        await mf.dispose()
      }
    },
    2 * MINUTE,
  )
})

describe('a strict TypeScript consumer type-checks against the installed declarations', () => {
  for (const { ts, resolution } of COMBINATIONS) {
    test(
      `TypeScript ${ts}, moduleResolution ${resolution}: the consumer compiles, every @ts-expect-error fires, an unused one fails`,
      async () => {
        await prepared()
        const check = await typeCheck(ts, resolution)
        expect(check.version).toMatch(TS_VERSION[ts])
        // The consumer itself: no error at all (an unused directive would be one).
        expect({ errors: check.errors.filter((e) => e.file.startsWith('src/')), output: check.output }).toEqual({ errors: [], output: expect.any(String) })
        // The mutant: an error on exactly each line a directive covered, and nowhere else in types.ts…
        expect(check.expected.length).toBeGreaterThanOrEqual(8)
        const hit = [...new Set(check.errors.filter((e) => e.file === 'mutant/types.ts').map((e) => e.line))].sort((a, b) => a - b)
        expect(hit).toEqual(check.expected)
        // …and the directive over a valid line reported as unused, so a directive that stops firing fails the check.
        expect(check.errors.filter((e) => e.file === 'mutant/unused-expect-error.ts')).toEqual([
          { file: 'mutant/unused-expect-error.ts', line: check.unusedLine, code: 'TS2578' },
        ])
        expect(check.errors.filter((e) => !e.file.startsWith('src/') && !e.file.startsWith('mutant/'))).toEqual([])
        expect(check.code).not.toBe(0)
      },
      2 * MINUTE,
    )
  }
})

/** The quick starts' counter: visit 1 sets a session cookie, visit 2 sends it back and counts 2. */
function expectCounter(visits: Visit[]): void {
  const cookie = expect.stringMatching(/^[\w-]+=[\w-]+\.[\w-]+\.[\w-]+$/)
  expect(visits).toEqual([
    { status: 200, text: 'Visit number 1', cookie },
    { status: 200, text: 'Visit number 2', cookie },
  ])
}

/**
 * The port the Node quick start listens on, and the environment that makes it so: a free one through
 * PORT when the program reads PORT; otherwise the port it names (@hono/node-server's 3000 when none),
 * which must then be free here.
 */
async function nodePort(example: Example): Promise<{ port: number; env: Record<string, string> }> {
  const code = example.program.text
  if (/\bprocess\.env\.PORT\b|\bprocess\.env\[['"]PORT['"]\]/.test(code)) {
    const port = await freePort()
    return { port, env: { PORT: String(port) } }
  }
  const port = Number(/\bport:\s*(\d+)/.exec(code)?.[1] ?? 3000)
  if (!(await portIsFree(port))) {
    throw new Error(
      `${example.program.at}: the Node quick start listens on port ${port}, which it hard-codes, and something else on this machine ` +
        `listens there already. Let it read PORT (port: Number(process.env.PORT ?? ${port})) so that it runs wherever ${port} is taken.`,
    )
  }
  return { port, env: {} }
}

/** Two visits to a started server over HTTP, then it is stopped. */
async function visitServer(server: { url: string; stop(): Promise<void> }): Promise<Visit[]> {
  try {
    return await visitTwice((path, headers) => fetch(server.url + path, { headers, redirect: 'manual' }))
  } finally {
    await server.stop()
  }
}

/** A Worker example bundled by wrangler from the project's node_modules, in Miniflare with SESSION_SECRET bound and its wrangler.toml's Durable Objects. */
async function workerOf(id: ExampleId): Promise<Miniflare> {
  const dir = exampleDir(id)
  const logs = join(work(), 'wrangler-logs')
  mkdirSync(logs, { recursive: true })
  await mustRun(['node', join(BIN, 'wrangler'), 'deploy', '--dry-run', '--outdir', 'build'], {
    cwd: dir,
    env: { WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: logs },
  })
  const script = readdirSync(join(dir, 'build')).find((file) => file.endsWith('.js'))
  if (script === undefined) throw new Error(`wrangler wrote no script in ${join(dir, 'build')}`)
  const config = Bun.TOML.parse(readFileSync(join(dir, 'wrangler.toml'), 'utf8')) as {
    compatibility_date: string
    durable_objects?: { bindings?: { name: string; class_name: string }[] }
    migrations?: { new_sqlite_classes?: string[] }[]
  }
  const sqlite = new Set((config.migrations ?? []).flatMap((migration) => migration.new_sqlite_classes ?? []))
  const durableObjects = Object.fromEntries(
    (config.durable_objects?.bindings ?? []).map(({ name, class_name }) => [name, { className: class_name, useSQLite: sqlite.has(class_name) }]),
  )
  return new Miniflare({
    modules: true,
    scriptPath: join(dir, 'build', script),
    modulesRoot: join(dir, 'build'),
    compatibilityDate: config.compatibility_date,
    bindings: { SESSION_SECRET },
    durableObjects,
  })
}

/** The claims of the session token a response sets (its payload, decoded without checking). */
function claimsSet(res: { headers: { get(name: string): string | null } }): { cookie: string; claims: Record<string, unknown> } {
  const cookie = (res.headers.get('Set-Cookie') ?? '').split(';')[0] ?? ''
  const payload = cookie.split('=')[1]?.split('.')[1] ?? ''
  return { cookie, claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8') || 'null') as Record<string, unknown> }
}

const TYPE_CHECKS: Record<ExampleId, string> = {
  bun: "with Bun's types (@types/bun), by TypeScript 5.9 and 7.0 under moduleResolution bundler",
  node: "with Node's types (@types/node), by TypeScript 5.9 and 7.0 under moduleResolution bundler and nodenext",
  deno: "by deno check, with Deno's types, the program and (deno check --all) the declarations it uses",
  workers: 'with the Workers types (@cloudflare/workers-types), by TypeScript 5.9 and 7.0 under moduleResolution bundler',
  'durable-object': 'with the Workers types (@cloudflare/workers-types), by TypeScript 5.9 and 7.0 under moduleResolution bundler',
}

describe("the README's and docs' complete examples, as a user runs them against the installed package", () => {
  test('README.md holds the Bun, Node, Deno and Workers quick starts and docs/deployment.md the Durable Object example, each a program that names its file', () => {
    const list = examples()
    expect(list.map((example) => example.id)).toEqual(EXPECTED.map((example) => example.id))
    for (const example of list) {
      // Each imports the package, and nothing the throwaway project does not install.
      const imports = bareImports(example.program.text)
      expect(imports).toContain(pkg.name)
      const installable = ['hono', ...Object.keys(EXAMPLE_DEPENDENCIES)]
      expect({ at: example.program.at, unknown: imports.filter((name) => name !== pkg.name && !name.startsWith(`${pkg.name}/`) && !installable.includes(name)) }).toEqual({
        at: example.program.at,
        unknown: [],
      })
    }
  })

  for (const { id, name } of EXPECTED) {
    test(
      `the ${name} type-checks strictly (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, no skipLibCheck) ${TYPE_CHECKS[id]}`,
      async () => {
        await prepared()
        const results = await typeCheckExample(id)
        expect(Object.keys(results).length).toBe(id === 'node' ? 4 : 2)
        expect(results).toEqual(Object.fromEntries(Object.keys(results).map((name) => [name, ''])))
      },
      3 * MINUTE,
    )
  }

  test(
    "Bun imports the Bun quick start and its app counts visits through a cookie jar; the README's `bun run` command serves the same",
    async () => {
      await prepared()
      const example = await exampleOf('bun')
      const dir = exampleDir('bun')
      const driver = join(project(), 'readme/visit-twice.ts')
      const imported = await mustRun([process.execPath, driver, join(dir, example.program.path)], { cwd: dir, env: { SESSION_SECRET } })
      expectCounter(JSON.parse(imported.stdout) as Visit[])

      const command = example.commands.find(({ command }) => /\bbun run\b/.test(command))
      if (command === undefined) throw new Error(`README.md: the Bun quick start's paragraph gives no \`bun run\` command`)
      const { env, argv } = commandLine(command.command, { SESSION_SECRET })
      if (argv[0] !== 'bun') throw new Error(`${command.at}: \`${command.command}\` does not start with bun`)
      const port = await freePort()
      // Bun serves a module's default export with a fetch() on PORT.
      const server = await startListening([process.execPath, ...argv.slice(1)], {
        cwd: dir,
        env: { ...env, PORT: String(port) },
        port,
        context: `${command.at}: \`${command.command}\``,
      })
      expectCounter(await visitServer(server))
    },
    2 * MINUTE,
  )

  test(
    "plain Node runs the Node quick start compiled by the project's tsc (nodenext), as the README's `node dist/…` command does",
    async () => {
      await prepared()
      const example = await exampleOf('node')
      await typeCheckExample('node')
      const command = example.commands.find(({ command }) => /\bnode\s+\S+\.js\b/.test(command))
      if (command === undefined) throw new Error(`README.md: the Node quick start's paragraph gives no \`node <file>.js\` command`)
      const script = /\bnode\s+(\S+\.js)\b/.exec(command.command)![1]!
      const { port, env } = await nodePort(example)
      const server = await startListening(['node', script], {
        cwd: exampleDir('node'),
        env: { ...env, SESSION_SECRET },
        port,
        context: `node ${script} (${example.program.at}, compiled by TypeScript 5 with readme/node/tsconfig.nodenext.json)`,
      })
      expectCounter(await visitServer(server))
    },
    2 * MINUTE,
  )

  test(
    "Deno runs the Deno quick start with the README's command, its imports as `deno add` writes them, served from the project's node_modules",
    async () => {
      await prepared()
      const example = await exampleOf('deno')
      const command = example.commands.find(({ command }) => /\bdeno run\b/.test(command))
      if (command === undefined) throw new Error(`README.md: the Deno quick start's paragraph gives no \`deno run\` command`)
      const { env, argv } = commandLine(command.command, { SESSION_SECRET })
      if (argv[0] !== 'deno' || argv[1] !== 'run') throw new Error(`${command.at}: \`${command.command}\` does not start with deno run`)
      const port = await freePort()
      // --cached-only: nothing is fetched, everything comes from node_modules. DENO_SERVE_ADDRESS is
      // Deno's own override of the address Deno.serve() listens on (8000 by default).
      const server = await startListening([DENO, 'run', '--cached-only', ...argv.slice(2)], {
        cwd: exampleDir('deno'),
        env: { ...env, DENO_DIR: join(work(), 'deno-readme-run-cache'), DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}` },
        port,
        context: `${command.at}: \`${command.command}\``,
      })
      expectCounter(await visitServer(server))
    },
    2 * MINUTE,
  )

  test(
    'workerd runs the Workers quick start bundled by wrangler, with SESSION_SECRET a binding',
    async () => {
      await prepared()
      await examplesWritten()
      const mf = await workerOf('workers')
      try {
        expectCounter(await visitTwice((path, headers) => mf.dispatchFetch(`http://localhost${path}`, { headers })))
      } finally {
        await mf.dispose()
      }
    },
    2 * MINUTE,
  )

  test(
    "workerd runs the Durable Object example with the docs' wrangler.toml: a session is stamped by the Durable Object store, and read back",
    async () => {
      await prepared()
      await examplesWritten()
      const mf = await workerOf('durable-object')
      try {
        // The example has no routes: every answer is a 404, and the middleware runs for each. An
        // anonymous visitor gets no cookie…
        const anonymous = await mf.dispatchFetch('http://localhost/')
        expect({ status: anonymous.status, cookie: anonymous.headers.get('Set-Cookie') }).toEqual({ status: 404, cookie: null })
        // …a session made for the bound secret is asked about at the store, and reissued with the
        // store's epoch in it…
        const first = claimsSet(await mf.dispatchFetch('http://localhost/', { headers: { Cookie: await sessionCookie({ secret: SESSION_SECRET }, { username: 'ada' }) } }))
        expect(first.claims).toMatchObject({ data: { username: 'ada' }, epoch: expect.any(String), checked: expect.any(Number) })
        // …and that cookie is read back: the same session, under the same epoch.
        const second = claimsSet(await mf.dispatchFetch('http://localhost/', { headers: { Cookie: first.cookie } }))
        expect(second.claims).toMatchObject({ data: { username: 'ada' }, sid: first.claims.sid, epoch: first.claims.epoch })
      } finally {
        await mf.dispose()
      }
    },
    2 * MINUTE,
  )
})

describe("the README's instructions, followed as written", () => {
  test(
    "the Node install row's npm commands, the quick start saved as its file and the Node run command, in an empty directory, serve the counter on plain Node",
    async () => {
      const example = examples().find((e) => e.id === 'node')!
      // Every npm command of the install table's Node row, in order, then the run command.
      const installs = example.install.filter(({ command }) => /^np[mx] /.test(command))
      const command = example.commands.find(({ command }) => /\bnode\s+\S+\.js\b/.test(command))
      if (installs.length === 0 || command === undefined) throw new Error(`README.md: no npm command in the Node install row, or no \`node <file>.js\` command in the Node quick start's paragraph`)
      const file = await tarball()
      const dir = join(work(), 'node-as-written')
      mkdirSync(dir, { recursive: true })
      // A user's shell: no node_modules/.bin of ours (`bun run` puts it on PATH) to find commands in.
      const PATH = (process.env.PATH ?? '').split(':').filter((entry) => !entry.includes('node_modules/.bin')).join(':')
      const quiet = { PATH, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }
      // The package from the tarball just packed, everything else from the registry, as the README has it.
      for (const install of installs) {
        const result = await run(['sh', '-c', install.command.replace(new RegExp(`(?<=\\s)${pkg.name}(?=\\s|$)`, 'g'), file)], { cwd: dir, env: quiet })
        if (result.code !== 0) throw new Error(`${install.at}: \`${install.command}\`, run in an empty directory, exited ${result.code}:\n${(result.stdout + result.stderr).trim()}`)
      }
      if (!existsSync(join(dir, 'package.json'))) throw new Error(`${installs[0]!.at}: \`${installs[0]!.command}\` made no package.json in ${dir}`)
      for (const { path, text } of [example.program, ...example.files]) {
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), text)
      }
      const { port, env } = await nodePort(example)
      const context =
        `${command.at}: \`${command.command}\`, run in an empty directory after ${installs.map(({ command, at }) => `${at}'s \`${command}\``).join(', ')} ` +
        `and the quick start (${example.program.at}) saved as ${example.program.path},`
      let server
      try {
        server = await startListening(['sh', '-c', fillPlaceholders(command.command, { SESSION_SECRET })], {
          cwd: dir,
          // npx may not download what the project lacks (it would ask a user first).
          env: { ...quiet, ...env, npm_config_yes: 'false' },
          port,
          context,
          timeoutMs: 90_000,
        })
      } catch (error) {
        const missing = /npx canceled due to missing packages and no YES option: (\[.*\])/.exec(String(error))?.[1]
        const hint = missing === undefined ? '' : `\n(npx finds no such command in the project: nothing the README installs provides it, so npx would download ${missing} from the registry)`
        throw new Error(`${(error as Error).message}${hint}`)
      }
      expectCounter(await visitServer(server))
    },
    2 * MINUTE,
  )

  test("each `deno add` of the Deno install row gives deno.json an import-map key for every package the Deno quick start imports", () => {
    // Checked on the import map itself: in the Deno run above, node_modules would resolve a bare name
    // the map lacks, so a missing key would go unseen there. Each `deno add` of the row is taken as a
    // complete alternative: on its own, it must give every import.
    const example = examples().find((e) => e.id === 'deno')!
    const adds = example.install.filter(({ command }) => /^deno add\s/.test(command))
    expect(adds.length).toBeGreaterThan(0)
    const imported = bareImports(example.program.text)
    const problems = adds.flatMap(({ command, at }) => {
      const keys = denoAdd(command).map(({ key }) => key)
      const missing = imported.filter((name) => !keys.includes(name))
      return missing.length === 0
        ? []
        : [
            `${at}: \`${command}\` gives deno.json the import-map keys ${JSON.stringify(keys)}, but the Deno quick start (${example.program.at}) ` +
              `imports ${missing.map((name) => `"${name}"`).join(' and ')}: \`deno run\` fails with 'Import "${missing.at(-1)}" not a dependency and not in import map'`,
          ]
    })
    expect(problems).toEqual([])
  })

  test(
    "the Install section's secret commands, run in the project, each print 43 base64url characters",
    async () => {
      const dir = await prepared()
      const commands = secretCommands()
      expect(commands.length).toBeGreaterThanOrEqual(1)
      for (const { command, at } of commands) {
        // npx runs the installed bin; it may not download anything.
        const result = await run(['sh', '-c', command], { cwd: dir, env: { npm_config_yes: 'false' } })
        expect({ at, command, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
          at,
          command,
          code: 0,
          stdout: expect.stringMatching(/^[A-Za-z0-9_-]{43}\n$/),
          stderr: expect.any(String),
        })
      }
    },
    MINUTE,
  )
})
