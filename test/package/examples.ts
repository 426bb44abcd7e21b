// The README's and docs' complete examples, read at test time. A complete example is a fenced `ts`
// block whose first line names a file (`// server.ts`, `// src/index.ts`): a program a user copies
// into that file as it is. Each is filed under the label that introduces it — a paragraph's leading
// bold text (`**Bun** (…)`) or, failing that, the section's heading — together with the other
// blocks of that label that name a file (`# wrangler.toml`), the commands its paragraph gives and
// the runtime's row of the README's install table. Line numbers are only reported, never relied on.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'
import { cleanEnv, ROOT } from './support.ts'

export type ExampleId = 'bun' | 'node' | 'deno' | 'workers' | 'durable-object'

/**
 * The examples the package check runs, each found by its document and label. One that goes missing,
 * and a complete example under any other label, fail the check: an edit that breaks a marker, or a
 * new program nobody runs, does not go unseen.
 */
export const EXPECTED: readonly { id: ExampleId; name: string; doc: string; label: RegExp; runtime: string }[] = [
  { id: 'bun', name: "README's Bun quick start", doc: 'README.md', label: /^Bun$/, runtime: 'Bun' },
  { id: 'node', name: "README's Node quick start", doc: 'README.md', label: /^Node$/, runtime: 'Node' },
  { id: 'deno', name: "README's Deno quick start", doc: 'README.md', label: /^Deno$/, runtime: 'Deno' },
  { id: 'workers', name: "README's Workers quick start", doc: 'README.md', label: /^Cloudflare Workers$/, runtime: 'Cloudflare Workers' },
  { id: 'durable-object', name: "docs' Durable Object example", doc: 'docs/deployment.md', label: /Durable Object/, runtime: 'Cloudflare Workers' },
]

/** A block that names its file: where it goes, what it holds, and where the docs have it (`README.md:45`). */
export interface DocFile {
  path: string
  text: string
  at: string
}

/** A backticked command from the docs, and where it is. */
export interface DocCommand {
  command: string
  at: string
}

export interface Example {
  id: ExampleId
  /** The label's text: `Bun`, `Cloudflare Workers: a Durable Object`. */
  label: string
  /** The program. */
  program: DocFile
  /** The other files its label gives (the Durable Object's wrangler.toml). */
  files: DocFile[]
  /** The commands in the label's paragraph (`SESSION_SECRET=... bun run server.ts`). */
  commands: DocCommand[]
  /** The commands in the runtime's row of the README's install table (none for docs/). */
  install: DocCommand[]
}

interface Label {
  text: string
  commands: DocCommand[]
}

const FENCE = /^```(\S*)\s*$/
const MARKER = /^(?:\/\/|#)\s*([\w./-]+\.[A-Za-z]+)\s*$/
const TYPESCRIPT = new Set(['ts', 'typescript'])

function backticked(text: string, at: string): DocCommand[] {
  return [...text.matchAll(/`([^`]+)`/g)].map(([, command]) => ({ command: command!, at }))
}

interface Parsed {
  blocks: { at: string; lang: string; lines: string[]; label: Label | undefined }[]
  lines: string[]
}

function parse(doc: string): Parsed {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n')
  const blocks: Parsed['blocks'] = []
  let label: Label | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence !== null) {
      const end = lines.findIndex((next, j) => j > i && /^```\s*$/.test(next))
      if (end < 0) throw new Error(`${doc}:${i + 1}: a code fence that never closes`)
      blocks.push({ at: `${doc}:${i + 1}`, lang: fence[1]!, lines: lines.slice(i + 1, end), label })
      i = end
      continue
    }
    const heading = /^#{1,6}\s+(.+?)\s*$/.exec(line)
    if (heading !== null) {
      label = { text: heading[1]!, commands: [] }
      continue
    }
    const bold = /^\*\*(.+?)\*\*/.exec(line)
    if (bold !== null && (i === 0 || lines[i - 1]!.trim() === '')) {
      let end = i
      while (end < lines.length && lines[end]!.trim() !== '' && !FENCE.test(lines[end]!)) end++
      label = { text: bold[1]!, commands: backticked(lines.slice(i, end).join('\n'), `${doc}:${i + 1}`) }
    }
  }
  return { blocks, lines }
}

/** The backticked commands of the README install table's row for `runtime` (its first cell starts with it). */
function installRow(readme: Parsed, runtime: string): DocCommand[] {
  const index = readme.lines.findIndex((line) => line.startsWith('|') && (line.split('|')[1] ?? '').trim().startsWith(runtime))
  if (index < 0) throw new Error(`README.md has no install table row for ${runtime} (a line starting "| ${runtime}")`)
  return backticked(readme.lines[index]!, `README.md:${index + 1}`)
}

/** Every complete example of README.md and docs/deployment.md, in the order of EXPECTED; throws, saying what is wrong, unless each is found once. */
export function examples(): Example[] {
  const docs = new Map([...new Set(EXPECTED.map((e) => e.doc))].map((doc) => [doc, parse(doc)]))
  const found = new Map<ExampleId, Example>()
  const problems: string[] = []
  for (const [doc, parsed] of docs) {
    for (const block of parsed.blocks) {
      const marker = MARKER.exec(block.lines[0] ?? '')
      if (marker === null || !TYPESCRIPT.has(block.lang)) continue
      const label = block.label?.text ?? '(none)'
      const expected = EXPECTED.find((e) => e.doc === doc && e.label.test(label))
      if (expected === undefined) {
        problems.push(`${block.at}: a complete example (${block.lines[0]}) under "${label}", which the package check does not know how to run`)
        continue
      }
      if (found.has(expected.id)) {
        problems.push(`${block.at}: a second complete example under "${label}"`)
        continue
      }
      const files = parsed.blocks
        .filter((other) => other !== block && other.label === block.label && MARKER.test(other.lines[0] ?? ''))
        .map((other) => ({ path: MARKER.exec(other.lines[0]!)![1]!, text: other.lines.join('\n') + '\n', at: other.at }))
      found.set(expected.id, {
        id: expected.id,
        label,
        program: { path: marker[1]!, text: block.lines.join('\n') + '\n', at: block.at },
        files,
        commands: block.label?.commands ?? [],
        install: doc === 'README.md' ? installRow(parsed, expected.runtime) : [],
      })
    }
  }
  for (const { id, doc, label } of EXPECTED) {
    if (!found.has(id)) {
      problems.push(`${doc} has no complete example for ${id}: a fenced ts block whose first line names its file (// main.ts), under a label matching ${label}`)
    }
  }
  if (problems.length > 0) throw new Error(problems.join('\n'))
  return EXPECTED.map(({ id }) => found.get(id)!)
}

/** The backticked commands of the README's "## Install" section outside its table that start with `npx ` or `node ` (the secret makers). */
export function secretCommands(): DocCommand[] {
  const { lines } = parse('README.md')
  const start = lines.findIndex((line) => /^## Install\b/.test(line))
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line))
  if (start < 0 || end < 0) throw new Error('README.md has no "## Install" section')
  return lines
    .slice(start, end)
    .flatMap((line, i) => (line.startsWith('|') ? [] : backticked(line, `README.md:${start + i + 1}`)))
    .filter(({ command }) => /^(npx|node) /.test(command))
}

/** The bare specifiers a program imports from (`hono`, `hono-jwt-session/testing`), in order, once each. */
export function bareImports(code: string): string[] {
  const specifiers = [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm)].map(([, specifier]) => specifier!)
  return [...new Set(specifiers.filter((specifier) => !/^(\.|\/|[a-z]+:)/.test(specifier)))]
}

/** One package of a `deno add` command: the import-map key it gets, its registry and its package name. */
export interface DenoAdded {
  key: string
  registry: 'npm' | 'jsr'
  name: string
}

/**
 * What `deno add <packages>` writes to deno.json's imports, as Deno's documentation and `deno add
 * --help` describe it: each package under its name, without registry prefix or version (`npm:hono@4`
 * → `hono`, `jsr:@std/path` → `@std/path`); under its alias when given one (`h@npm:hono` → `h`);
 * without its scope with --unscoped. Unprefixed names are npm packages (unless --jsr).
 */
export function denoAdd(command: string): DenoAdded[] {
  const [deno, add, ...args] = command.trim().split(/\s+/)
  if (deno !== 'deno' || add !== 'add') throw new Error(`not a deno add command: ${command}`)
  const unscoped = args.includes('--unscoped')
  const fallback = args.includes('--jsr') ? 'jsr' : 'npm'
  return args
    .filter((arg) => !arg.startsWith('-'))
    .map((arg) => {
      const aliased = /^(@?[^@:]+)@((?:npm|jsr):.+)$/.exec(arg)
      const spec = aliased?.[2] ?? arg
      const registry = spec.startsWith('jsr:') ? 'jsr' : spec.startsWith('npm:') ? 'npm' : fallback
      const bare = spec.replace(/^(npm|jsr):/, '')
      const at = bare.indexOf('@', bare.startsWith('@') ? 1 : 0)
      const name = at < 0 ? bare : bare.slice(0, at)
      const key = aliased?.[1] ?? (unscoped ? name.replace(/^@[^/]+\//, '') : name)
      return { key, registry, name }
    })
}

/**
 * A command written with placeholders (`SESSION_SECRET=... node dist/server.js`) made runnable: each
 * `NAME=...` gets the value `values` gives (a placeholder without one throws), shell-quoted.
 */
export function fillPlaceholders(command: string, values: Record<string, string>): string {
  return command.replace(/\b([A-Z][A-Z0-9_]*)=\.\.\./g, (_, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`no value for the placeholder ${name}=... in \`${command}\``)
    return `${name}='${value.replaceAll("'", `'\\''`)}'`
  })
}

/** Whether nothing listens on `port`, on any address (what a server listening on all interfaces needs). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, () => server.close(() => resolve(true)))
  })
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** What one request of a visit gave: its status, body and the `name=value` of the cookie it set, if any. */
export interface Visit {
  status: number
  text: string
  cookie: string | undefined
}

/** What visitTwice needs of a response: a global Response or Miniflare's. */
export interface Answer {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

/** A visitor's two requests to `/`, the second carrying the cookie the first set, as a browser would. */
export async function visitTwice(fetchPath: (path: string, headers: Record<string, string>) => Promise<Answer>): Promise<Visit[]> {
  const visits: Visit[] = []
  let cookie: string | undefined
  for (let i = 0; i < 2; i++) {
    const res = await fetchPath('/', cookie === undefined ? {} : { Cookie: cookie })
    const set = res.headers.get('Set-Cookie')?.split(';')[0]
    visits.push({ status: res.status, text: await res.text(), cookie: set })
    cookie = set ?? cookie
  }
  return visits
}

/**
 * Splits a one-line command without shell syntax (`SESSION_SECRET=... deno run --allow-net main.ts`)
 * into its leading variable assignments, each `...` placeholder filled from `values`, and its words.
 */
export function commandLine(command: string, values: Record<string, string>): { env: Record<string, string>; argv: string[] } {
  if (/[|&;<>()$`'"\\]/.test(command)) throw new Error(`\`${command}\` is more than one plain command`)
  const words = command.trim().split(/\s+/)
  const env: Record<string, string> = {}
  while (/^[A-Z][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name, value] = words.shift()!.split(/=(.*)/s) as [string, string]
    const filled = value === '...' ? values[name] : value
    if (filled === undefined) throw new Error(`no value for the placeholder ${name}=... in \`${command}\``)
    env[name] = filled
  }
  return { env, argv: words }
}

export interface Started {
  url: string
  /** Everything the process printed so far. */
  output(): string
  /** Ends the process and whatever it started (its process group), and waits for it. */
  stop(): Promise<void>
}

/**
 * Starts `argv` (in a process group of its own, with the package check's clean environment plus
 * `env`) and waits until something accepts connections on 127.0.0.1:`port`. When the process exits
 * first, or the wait times out, the error carries its exit code and output, after `context`.
 */
export async function startListening(argv: string[], options: { cwd: string; env: Record<string, string>; port: number; context: string; timeoutMs?: number }): Promise<Started> {
  const proc = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let text = ''
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  let exitCode: number | undefined
  const exited = new Promise<void>((resolve) =>
    proc.on('close', (code, signal) => {
      exitCode = code ?? (signal === null ? -1 : 128)
      resolve()
    }),
  )
  proc.on('error', (error) => (text += String(error)))
  const stop = async (): Promise<void> => {
    const kill = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-proc.pid!, signal)
      } catch {
        // Already gone.
      }
    }
    if (exitCode === undefined) kill('SIGTERM')
    const timer = setTimeout(() => kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  for (;;) {
    if (exitCode === undefined && (await accepts(options.port))) {
      return { url: `http://127.0.0.1:${options.port}`, output: () => text, stop }
    }
    if (exitCode !== undefined || Date.now() > deadline) {
      await stop()
      throw new Error(`${options.context} ${exitCode === undefined ? 'did not listen in time' : `exited ${exitCode}`}:\n${text.trim()}`)
    }
    await Bun.sleep(50)
  }
}
