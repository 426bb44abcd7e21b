// Helpers for the package check: commands run with a clean environment, package.json's "exports"
// read as the list of what the package promises, and the map from each export to its source file.
import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { ROOT } from '../support/server.ts'

export { ROOT }
export const BIN = join(ROOT, 'node_modules/.bin')

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd?: string
  env?: Record<string, string>
}

/**
 * The environment a command gets: this process's, minus what ties a command to this repository or
 * changes how it runs (the npm_package_*, npm_lifecycle_* and prefix variables `bun run` and
 * `npm run` set, NODE_OPTIONS loaders, a DENO_DIR with a warm cache). A registry or proxy set in
 * npm_config_* is kept.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_package_|npm_lifecycle_|npm_config_(local_)?prefix$|INIT_CWD$|NODE_OPTIONS$|NODE_PATH$|DENO_DIR$)/i.test(key)) continue
    env[key] = value
  }
  return { ...env, NO_COLOR: '1', ...extra }
}

/** Runs a command to its end; never throws for a non-zero exit (see mustRun). */
export async function run(command: string[], { cwd = ROOT, env }: RunOptions = {}): Promise<RunResult> {
  const proc = Bun.spawn(command, { cwd, env: cleanEnv(env), stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}

/** Runs a command and throws, with everything it printed, unless it exits 0. */
export async function mustRun(command: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(command, options)
  if (result.code !== 0) {
    throw new Error(`\`${command.join(' ')}\` exited ${result.code} in ${options.cwd ?? ROOT}\n${result.stdout}\n${result.stderr}`)
  }
  return result
}

export function readJson<T = unknown>(path: string): T {
  return Bun.JSONC.parse(readFileSync(join(ROOT, path), 'utf8')) as T
}

export interface PackageJson {
  name: string
  version: string
  exports: Record<string, unknown>
  bin?: Record<string, string>
  files?: string[]
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

export const pkg: PackageJson = readJson('package.json')

/** Every file path an export names: the string leaves of its conditions, in order. */
export function targets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry]
  if (typeof entry === 'object' && entry !== null) return Object.values(entry).flatMap(targets)
  return []
}

/** The import specifier a subpath export is used by: `.` → `hono-jwt-session`, `./testing` → `hono-jwt-session/testing`. */
export function specifier(subpath: string): string {
  return subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`
}

const build = readJson<{ compilerOptions: { rootDir: string; outDir: string }; files: string[] }>('tsconfig.build.json')

/**
 * The TypeScript source whose compiled output is `target` (`./dist/x.js` or `./dist/x.d.ts` →
 * `./src/session/x.ts`), from tsconfig.build.json's rootDir and outDir; undefined for a file that is
 * not a build output (`./package.json`).
 */
export function sourceOf(target: string): string | undefined {
  const outDir = `./${posix.normalize(build.compilerOptions.outDir)}/`
  if (!target.startsWith(outDir)) return undefined
  const relative = target.slice(outDir.length).replace(/(\.d)?\.js$|\.d\.ts$/, '')
  return `./${posix.join(posix.normalize(build.compilerOptions.rootDir), relative)}.ts`
}

export const BUILD_FILES = build.files.map((file) => `./${posix.normalize(file)}`)

/**
 * The package's code exports, each with the one source file all its targets compile from:
 * `{ '.': './src/session/index.ts', './testing': './src/session/testing.ts' }`. Exports that are
 * not build outputs (`./package.json`) are left out. Throws when one export's targets (types and
 * JavaScript) come from different sources.
 */
export function codeExports(): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [subpath, entry] of Object.entries(pkg.exports)) {
    const sources = new Set(targets(entry).map(sourceOf))
    if (sources.has(undefined)) {
      if (sources.size > 1) throw new Error(`exports["${subpath}"] mixes built and unbuilt targets`)
      continue
    }
    if (sources.size !== 1) throw new Error(`exports["${subpath}"] targets come from several sources: ${[...sources].join(', ')}`)
    result[subpath] = [...sources][0]!
  }
  return result
}
