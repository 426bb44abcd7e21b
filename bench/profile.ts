// Where a variant's server CPU goes, on Bun: the variant is served under Bun's sampling profiler
// (--cpu-prof) beside a reference variant (default `ours`, no revocation store), both driven by the same
// load, and the difference is reported per request:
//   - process CPU from /proc, split into user and kernel (system) time;
//   - JavaScript time from the profile (samples × interval; Bun samples only while JS runs), by source
//     file and by function, so what the variant adds is named;
//   - user time the profile cannot see (Bun's native code outside JS: its HTTP server, its Redis client's
//     socket and reply parsing) is what is left of user time;
//   - for a Redis variant, redis-server's own CPU.
// Each variant is served twice: without the profiler for the CPU figures (its sampling costs CPU of its
// own, per second, which would weigh more per request on the slower variant), over the load alone; and
// under it for the JavaScript breakdown, which covers the server's whole life (start-up, then the load)
// divided by the requests served. Native frames (no source) are named with their nearest JS caller.
//
// --perf adds a third run per variant under Linux perf (perf record, ~1 kHz, no call graphs), which sees
// what Bun's profiler cannot: native code and the kernel. Its samples are split by where they fell
// (JIT-compiled JavaScript, Bun's own stripped binary, libc, the kernel) and the kernel's by symbol,
// each share times that run's process CPU per request.
//
// Usage: bun bench/profile.ts [--variant=ours-redis] [--against=ours] [--seconds=10] [--sessions=1000]
//   [--browser] (the browser-like generator instead of wrk's cycled sessions) [--interval=1000] (µs)
//   [--perf] [--top=20] [--keep]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { RedisServer } from '../test/support/redis-server.ts'
import { startServer } from '../test/support/server.ts'
import { cpuMicros } from './proc.ts'
import type { BenchEnv, Fetchable } from './servers/shared.ts'
import { variant, type VariantSpec } from './variants.ts'

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/=.*/, ''), a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true']))
const VARIANT = variant(args.get('--variant') ?? 'ours-redis')
const AGAINST = variant(args.get('--against') ?? 'ours')
const SECONDS = Number(args.get('--seconds') ?? 10)
const SESSIONS = Number(args.get('--sessions') ?? 1000)
const BROWSER = args.has('--browser')
const INTERVAL = Number(args.get('--interval') ?? 1000)
const TOP = Number(args.get('--top') ?? 20)
const PERF = args.has('--perf')
const SERVERS = join(import.meta.dir, 'servers')
const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'))
const CLK_TCK = Number(new TextDecoder().decode(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout).trim()) || 100

/** User and system CPU of a process (all its threads), µs. */
function userSystem(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return { user: (Number(fields[11]) / CLK_TCK) * 1e6, system: (Number(fields[12]) / CLK_TCK) * 1e6 }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Measured {
  spec: VariantSpec
  requests: number
  userUs: number
  systemUs: number
  redisUs: number | undefined
  /** JS self time, µs per request, by function and by source file. */
  byFunction: Map<string, number>
  byFile: Map<string, number>
  jsUs: number
  /** The profiled run's process CPU (start-up included, profiler's own cost included) per request. */
  profiledCpuUs: number
  profiledRequests: number
  /** --perf: µs per request by where perf's samples fell, and by kernel symbol. */
  perf?: { byDso: Map<string, number>; byKernelSymbol: Map<string, number> }
}

/** perf report's "percent  name" lines, as name → share. */
function perfShares(file: string, sort: string, filter: string[] = []): Map<string, number> {
  const proc = Bun.spawnSync(['perf', 'report', '-i', file, '--stdio', '--no-children', `--sort=${sort}`, ...filter], { stdout: 'pipe', stderr: 'pipe' })
  const shares = new Map<string, number>()
  for (const line of new TextDecoder().decode(proc.stdout).split('\n')) {
    const m = /^\s+([\d.]+)%\s+(.+?)\s*$/.exec(line)
    if (m) shares.set(m[2]!.replace(/^\[k\]\s+/, ''), Number(m[1]) / 100)
  }
  return shares
}

const dsoName = (dso: string) => (dso.startsWith('[JIT]') ? 'JIT-compiled JavaScript' : dso === 'bun.exe' || dso === 'bun' ? "Bun's binary (stripped: runtime, interpreter, GC, HTTP server, Redis client)" : dso === '[kernel.kallsyms]' ? 'kernel' : dso)

async function perfRun(spec: VariantSpec, redis: RedisServer | undefined, cookies: string[]): Promise<NonNullable<Measured['perf']>> {
  const { server } = await serve(spec, redis, false)
  try {
    const file = jar(spec, cookies, 'perf')
    await load(server.url, file, Math.max(1, Math.round(SECONDS / 3)))
    const data = join(dir, `${spec.name}.perf.data`)
    const before = { cpu: cpuMicros(server.pid), requests: await served(server.url) }
    const perf = Bun.spawn(['perf', 'record', '-F', '997', '-p', String(server.pid), '-o', data], { stdout: 'ignore', stderr: 'pipe' })
    await Bun.sleep(300)
    await load(server.url, file, SECONDS)
    perf.kill('SIGINT')
    if ((await perf.exited) !== 0 && !Bun.file(data).size) throw new Error(`perf record failed: ${await new Response(perf.stderr).text()}`)
    const cpuPerRequest = (cpuMicros(server.pid) - before.cpu) / ((await served(server.url)) - before.requests)
    const byDso = new Map<string, number>()
    for (const [dso, share] of perfShares(data, 'dso')) {
      const name = dsoName(dso.split(/\s+/)[0]!)
      byDso.set(name, (byDso.get(name) ?? 0) + share * cpuPerRequest)
    }
    const byKernelSymbol = new Map<string, number>()
    // Shares of all samples (perf report's default), kernel ones only.
    for (const [sym, share] of perfShares(data, 'sym', ['--dsos', '[kernel.kallsyms]'])) byKernelSymbol.set(sym, share * cpuPerRequest)
    return { byDso, byKernelSymbol }
  } finally {
    await server.stop()
  }
}

/** Cookies minted by this project without revocation: accepted by every variant of it (README, "Revocation"). */
async function mint(count: number): Promise<string[]> {
  const build = ((await import(join(SERVERS, 'ours.ts'))) as { default: (env: BenchEnv) => Fetchable }).default
  const app = build(variant('ours').env ?? {})
  const cookies: string[] = []
  while (cookies.length < count) {
    const res = await app.fetch(new Request('http://bench.local/test/session/set'))
    cookies.push(res.headers.getSetCookie().at(-1)!.split(';')[0]!)
  }
  return cookies
}

const where = (frame: ProfileNode['callFrame']) => {
  if (frame.url === '') return '(native)'
  const path = frame.url.replace(/^file:\/\//, '')
  const at = path.indexOf('/node_modules/')
  return at >= 0 ? path.slice(at + '/node_modules/'.length).split('/').slice(0, path.slice(at + 14).startsWith('@') ? 2 : 1).join('/') : path.replace(`${join(import.meta.dir, '..')}/`, '')
}

async function serve(spec: VariantSpec, redis: RedisServer | undefined, profiled: boolean) {
  const env = spec.revocation === 'redis' ? { ...spec.env, REDIS_URL: redis!.url } : (spec.env ?? {})
  const entry = join(dir, `${spec.name}.ts`)
  writeFileSync(
    entry,
    [
      `import build from ${JSON.stringify(join(SERVERS, spec.module))}`,
      `import { launch } from ${JSON.stringify(join(SERVERS, 'launch', 'bun.ts'))}`,
      // The profile is written when the process exits; a stop is a SIGTERM.
      `process.on('SIGTERM', () => process.exit(0))`,
      `launch(build, ${JSON.stringify(env)})`,
      '',
    ].join('\n'),
  )
  const name = `${spec.name}.cpuprofile`
  const flags = profiled ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, `--cpu-prof-interval=${INTERVAL}`] : []
  return { server: await startServer(['bun', ...flags, entry], {}), profile: join(dir, name) }
}

/** A jar of the minted cookies for one server; the browser-like generator carries it on from run to run. */
function jar(spec: VariantSpec, cookies: string[], run: string): string {
  const file = join(dir, `${spec.name}-${run}-cookies.txt`)
  writeFileSync(file, cookies.join('\n') + '\n')
  return file
}

async function load(url: string, file: string, seconds: number): Promise<void> {
  const proc = BROWSER
    ? Bun.spawn(['bun', join(import.meta.dir, 'browser-load.ts'), `--url=${url}`, `--jar=${file}`, `--duration=${seconds}`], { stdout: 'pipe', stderr: 'pipe' })
    : Bun.spawn(['wrk', '-t1', '-c50', `-d${seconds}s`, '-s', join(import.meta.dir, 'rotate-cookies.lua'), `${url}/test/session/check`, '--', file], { stdout: 'pipe', stderr: 'pipe' })
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0) throw new Error(`the load failed: ${out}${await new Response(proc.stderr).text()}`)
  if (BROWSER ? (JSON.parse(out.trim().split('\n').at(-1)!) as { errors: number }).errors > 0 : /Non-2xx/.test(out)) throw new Error(`errors under load:\n${out}`)
}

const served = async (url: string) => ((await (await fetch(`${url}/__bench/stats`)).json()) as { requests: number }).requests

async function profile(spec: VariantSpec, redis: RedisServer | undefined, cookies: string[]): Promise<Measured> {
  const redisPid = redis === undefined ? undefined : Number(/process_id:(\d+)/.exec(redis.cli('INFO', 'server'))?.[1])
  // CPU, without the profiler: a warm-up of a third of the run, then the load measured alone.
  const clean = await serve(spec, redis, false)
  let cpu: { user: number; system: number; redis: number | undefined; requests: number }
  try {
    const file = jar(spec, cookies, 'clean')
    await load(clean.server.url, file, Math.max(1, Math.round(SECONDS / 3)))
    const before = { ...userSystem(clean.server.pid), redis: redisPid === undefined ? 0 : cpuMicros(redisPid), requests: await served(clean.server.url) }
    await load(clean.server.url, file, SECONDS)
    const after = { ...userSystem(clean.server.pid), redis: redisPid === undefined ? 0 : cpuMicros(redisPid), requests: await served(clean.server.url) }
    const requests = after.requests - before.requests
    cpu = { user: (after.user - before.user) / requests, system: (after.system - before.system) / requests, redis: redisPid === undefined ? undefined : (after.redis - before.redis) / requests, requests }
  } finally {
    await clean.server.stop()
  }
  // Where the JavaScript time goes, under the profiler.
  const { server, profile: file } = await serve(spec, redis, true)
  let requests: number
  let profiledCpu: number
  try {
    await load(server.url, jar(spec, cookies, 'profiled'), SECONDS)
    requests = await served(server.url)
    profiledCpu = cpuMicros(server.pid)
  } finally {
    await server.stop()
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] }
  const byId = new Map(data.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of data.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const label = (node: ProfileNode) => {
    const file = where(node.callFrame)
    return `${node.callFrame.functionName || '(anonymous)'}${file === '(native)' ? '' : ` ${basename(file)}:${node.callFrame.lineNumber + 1}`}`
  }
  const byFunction = new Map<string, number>()
  const byFile = new Map<string, number>()
  let jsUs = 0
  for (const node of data.nodes) {
    const us = ((node.hitCount ?? 0) * INTERVAL) / requests
    if (us === 0) continue
    let key = label(node)
    if (node.callFrame.url === '') {
      // A native or built-in function: named by the nearest caller that has a source.
      let up = parent.get(node.id)
      while (up !== undefined && byId.get(up)!.callFrame.url === '' && byId.get(up)!.callFrame.functionName !== '(root)') up = parent.get(up)
      const caller = up === undefined ? undefined : byId.get(up)!
      key += caller === undefined || caller.callFrame.functionName === '(root)' ? ' ← (event loop)' : ` ← ${label(caller)}`
    }
    const source = where(node.callFrame)
    byFunction.set(key, (byFunction.get(key) ?? 0) + us)
    byFile.set(source, (byFile.get(source) ?? 0) + us)
    jsUs += us
  }
  return {
    spec,
    requests: cpu.requests,
    userUs: cpu.user,
    systemUs: cpu.system,
    redisUs: cpu.redis,
    byFunction,
    byFile,
    jsUs,
    profiledCpuUs: profiledCpu / requests,
    profiledRequests: requests,
    ...(PERF ? { perf: await perfRun(spec, redis, cookies) } : {}),
  }
}

function diffTable(title: string, a: Map<string, number>, b: Map<string, number>, top: number): string[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])]
  const rows = keys.map((k) => ({ k, a: a.get(k) ?? 0, b: b.get(k) ?? 0 })).sort((x, y) => y.b - y.a - (x.b - x.a))
  return [
    `| ${title} | ${AGAINST.name} µs/req | ${VARIANT.name} µs/req | difference |`,
    '|---|---:|---:|---:|',
    ...rows.slice(0, top).map((r) => `| ${r.k.replaceAll('|', '/')} | ${r.a.toFixed(2)} | ${r.b.toFixed(2)} | ${(r.b - r.a >= 0 ? '+' : '') + (r.b - r.a).toFixed(2)} |`),
  ]
}

const redis = VARIANT.revocation === 'redis' || AGAINST.revocation === 'redis' ? await RedisServer.start({ persistent: false }) : undefined
try {
  const cookies = await mint(SESSIONS)
  console.log(`# Where the CPU goes: ${VARIANT.name} against ${AGAINST.name} on Bun ${Bun.version}`)
  console.log(`${BROWSER ? 'browser-like' : 'wrk, cycled'}, ${SESSIONS.toLocaleString('en')} sessions, ${SECONDS} s each, sampled every ${INTERVAL} µs while JS runs\n`)
  console.log(`CPU from /proc over the load alone, without the profiler, after a warm-up; JavaScript from the profiled run, over the server's life.\n`)
  const a = await profile(AGAINST, redis, cookies)
  const b = await profile(VARIANT, redis, cookies)
  const d = (x: number, y: number) => `${(y - x >= 0 ? '+' : '') + (y - x).toFixed(1)}`
  const row = (label: string, x: number, y: number) => `| ${label} | ${x.toFixed(1)} | ${y.toFixed(1)} | ${d(x, y)} |`
  console.log(
    [
      `| per request, µs | ${AGAINST.name} | ${VARIANT.name} | difference |`,
      '|---|---:|---:|---:|',
      row('app process CPU, user + system (run without the profiler)', a.userUs + a.systemUs, b.userUs + b.systemUs),
      row('  of which user', a.userUs, b.userUs),
      row('  of which system (kernel: sockets, epoll)', a.systemUs, b.systemUs),
      ...(b.redisUs === undefined ? [] : [row('redis-server process CPU (same run)', a.redisUs ?? 0, b.redisUs)]),
      `| requests measured | ${a.requests.toLocaleString('en')} | ${b.requests.toLocaleString('en')} | |`,
      row('profiled run: app process CPU, start-up and profiler included', a.profiledCpuUs, b.profiledCpuUs),
      row('profiled run: JavaScript sampled', a.jsUs, b.jsUs),
      `| profiled run: requests | ${a.profiledRequests.toLocaleString('en')} | ${b.profiledRequests.toLocaleString('en')} | |`,
    ].join('\n'),
  )
  if (a.perf !== undefined && b.perf !== undefined) {
    console.log('\nperf (a run of its own): app process CPU by where the samples fell:\n')
    console.log(diffTable('where', a.perf.byDso, b.perf.byDso, TOP).join('\n'))
    console.log("\nperf: the kernel's share by symbol (largest increases first):\n")
    console.log(diffTable('kernel symbol', a.perf.byKernelSymbol, b.perf.byKernelSymbol, TOP).join('\n'))
  }
  console.log('\nJavaScript self time by source:\n')
  console.log(diffTable('source', a.byFile, b.byFile, TOP).join('\n'))
  console.log('\nJavaScript self time by function (largest increases first):\n')
  console.log(diffTable('function', a.byFunction, b.byFunction, TOP).join('\n'))
} finally {
  if (redis !== undefined) await redis[Symbol.asyncDispose]()
  if (args.has('--keep')) console.log(`\nprofiles kept in ${dir}`)
  else rmSync(dir, { recursive: true, force: true })
}
