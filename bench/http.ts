// HTTP load comparison on loopback, on every runtime: this project against a bare route (the ceiling),
// a straightforward jose middleware and the peers, every one reissuing the session on every request.
// Each variant (bench/variants.ts) is a runtime-neutral module; bench/runtimes.ts serves it on Bun,
// Node, Deno or workerd. Scenarios: N sessions cycled by wrk (--sessions), and a browser-like one
// (bench/browser-load.ts) where each user sends back the cookie it was last given.
//
// Two tables per runtime: this project, stateless like every peer (SESSION_REVOCATION=false), signed and
// encrypted, against the peers; and what revocation costs (no store, in-process, Redis on every request,
// Redis at most every 30 s), with a real redis-server started here on a free loopback port.
//
// Usage: bun bench/http.ts [--smoke] [--runtimes=bun,node,deno,workerd] [--variants=jose,...|peers|revocation]
//   [--duration=10] [--warmup=2] [--reps=3] [--sessions=1000,100000] [--browser-users=100000 | --no-browser]
//   [--revocation-browser-users=1000] [--no-memory | --memory-requests=1000000] [--tool=wrk|autocannon]
//   [--json=FILE] [--markdown=FILE] [--workerd-via-proxy] [--keep] (keeps the generated entries, bundles
//   and wrangler configs)
// --smoke (CI): every variant on every runtime started and checked for correct answers (revocation on or
// off as it says, Redis reached), each load path run for a second; nothing measured. A full run takes
// about an hour and a half (the load alone: about 17 minutes each on Bun and Node, 14 on Deno and
// workerd, plus minting and the memory runs); --runtimes=bun about 25 minutes.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, release, tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../test/support/redis-server.ts'
import type { BrowserLoadResult } from './browser-load.ts'
import { cpuMicros, cpuMicrosOf, memoryMb } from './proc.ts'
import { markdownReport, printTables, type Measured, type Report, type RuntimeResult, type Summary } from './report.ts'
import { RUNTIME_NAMES, startVariant, versions, type BenchServer, type RuntimeName } from './runtimes.ts'
import type { Fetchable } from './servers/shared.ts'
import { runsOn, selectVariants, SIZED_CACHE, tableOf, variant, type VariantSpec } from './variants.ts'

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/=.*/, ''), a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true']))
const SMOKE = args.has('--smoke')
const DURATION = Number(args.get('--duration') ?? 10)
const WARMUP = Number(args.get('--warmup') ?? 2)
const REPS = Number(args.get('--reps') ?? 3)
const SCENARIOS = (args.get('--sessions') ?? '1000,100000').split(',').map(Number)
const BROWSER_USERS = args.has('--no-browser') ? 0 : Number(args.get('--browser-users') ?? 100_000)
/**
 * A second browser-like scenario for the revocation rows only (with this project and the ceiling): few
 * enough users that each comes back within a check interval, as an active user does. With 100,000
 * users each is seen about once per repetition, so an interval of 30 s saves almost no check.
 */
const REVOCATION_BROWSER_USERS = args.has('--no-browser') ? 0 : Number(args.get('--revocation-browser-users') ?? 1000)
const MEMORY = !SMOKE && !args.has('--no-memory')
/** The bounded-memory run: RSS after a tenth of these requests and after all of them. */
const MEMORY_REQUESTS = Number(args.get('--memory-requests') ?? 1_000_000)
const CONNECTIONS = 50
const RUNTIMES = (args.get('--runtimes') ?? RUNTIME_NAMES.join(',')).split(',') as RuntimeName[]
for (const r of RUNTIMES) if (!RUNTIME_NAMES.includes(r)) throw new Error(`unknown runtime "${r}"; known: ${RUNTIME_NAMES.join(', ')}`)
const SPECS = selectVariants(args.get('--variants'))
const VIA_PROXY = args.has('--workerd-via-proxy')
/** Minted tokens live 30 minutes (IDLE); sessions older than this are minted again before use. */
const MINT_MAX_AGE_MS = 15 * 60_000

const which = (cmd: string) => Bun.spawnSync(['sh', '-c', `command -v ${cmd}`]).exitCode === 0
const TOOL = args.get('--tool') ?? (which('wrk') ? 'wrk' : 'autocannon')
const workDir = mkdtempSync(join(tmpdir(), 'bench-http-'))
const log = (line: string) => console.log(line)

// ---------------------------------------------------------------------------------------------------
// Redis, for the revocation rows that keep revocations there: one real redis-server (Debian's, not
// persistent) on a free loopback port, started before the first runtime and stopped at the end. Its
// CPU is read from /proc like the servers'; its store calls from INFO commandstats.

interface BenchRedis {
  server: RedisServer
  pid: number
}
let redis: BenchRedis | undefined
let redisProblem = 'Redis was not started'

const usesRedis = (spec: VariantSpec) => spec.revocation === 'redis'

async function startRedis(): Promise<BenchRedis> {
  const server = await RedisServer.start({ persistent: false })
  const pid = Number(/process_id:(\d+)/.exec(server.cli('INFO', 'server'))?.[1])
  if (!(pid > 0)) throw new Error('redis-server did not tell its process id (INFO server)')
  return { server, pid }
}

/** Scripts run by Redis so far: every revocation check is one (EVALSHA, or EVAL the first time). */
function redisCalls(r: BenchRedis): number {
  let calls = 0
  for (const m of r.server.cli('INFO', 'commandstats').matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(m[1])
  return calls
}

/** The spec as it is launched: a Redis row gets the address of the bench's redis-server. */
function launchable(spec: VariantSpec): VariantSpec {
  if (!usesRedis(spec)) return spec
  if (redis === undefined) throw new Error(redisProblem)
  return { ...spec, env: { ...spec.env, REDIS_URL: redis.server.url } }
}

// ---------------------------------------------------------------------------------------------------
// Sessions: minted in this process by each variant's own code (no server needed), then sent to the
// servers. A token from one process is valid in every other one with the same secret, on any runtime.

interface Minted {
  at: number
  cookies: string[]
}
const minted = new Map<string, Minted>()

async function mintWith(spec: VariantSpec, count: number): Promise<string[]> {
  const build = ((await import(join(import.meta.dir, 'servers', spec.module))) as { default: (env: object) => Fetchable | Promise<Fetchable> }).default
  const app = await build(spec.env ?? {})
  const cookies: string[] = []
  const worker = async () => {
    while (cookies.length < count) {
      const res = await app.fetch(new Request('http://bench.local/test/session/set'))
      // The last one wins, as in a browser (hono-sessions sends two); @hono/session names its cookie "sid".
      const last = res.headers.getSetCookie().at(-1)
      if (res.status !== 200 || last === undefined) throw new Error(`${spec.name}: /test/session/set answered ${res.status} without a cookie`)
      cookies.push(last.split(';')[0]!)
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker))
  const value = cookies[0]!.slice(cookies[0]!.indexOf('=') + 1)
  const parts = value.split('.').length
  if (spec.token === 'jws' && parts !== 3) throw new Error(`${spec.name}: expected a JWS (3 parts), got ${parts} parts`)
  if (spec.token === 'jwe' && parts !== 5) throw new Error(`${spec.name}: expected a JWE (5 parts), got ${parts} parts`)
  return cookies.slice(0, count)
}

/** Cookies for a variant, fresh enough to outlive the runs that use them. */
async function cookiesFor(spec: VariantSpec, count: number): Promise<string[]> {
  const source = spec.mintFrom === undefined ? spec : variant(spec.mintFrom)
  const have = minted.get(source.name)
  if (have === undefined || have.cookies.length < count || Date.now() - have.at > MINT_MAX_AGE_MS) {
    const t = performance.now()
    const at = Date.now()
    minted.set(source.name, { at, cookies: await mintWith(source, count) })
    log(`minted ${count.toLocaleString('en')} sessions for ${source.name} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }
  return minted.get(source.name)!.cookies.slice(0, count)
}

// ---------------------------------------------------------------------------------------------------
// Load

interface Run extends Measured {
  requests: number
  seconds: number
  errors: number
}

interface Stats {
  requests: number
  sign: number
  verify: number
  encrypt: number
  decrypt: number
  counting: boolean
  rssMb: number | null
  heapMb: number | null
}

async function stats(server: BenchServer, gc = false): Promise<Stats> {
  return (await (await fetch(`${server.url}/__bench/${gc ? 'gc' : 'stats'}`)).json()) as Stats
}

function parseDuration(text: string): number {
  const m = /([\d.]+)(us|ms|s|m)/.exec(text)!
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2] as 'us' | 'ms' | 's' | 'm']
}

type LoadResult = Pick<Run, 'requests' | 'seconds' | 'rps' | 'p50' | 'p99' | 'errors'> & { withCookie?: number; clientCpuUs?: number; samples?: string[] }

/** N sessions cycled: every request sends the next cookie of the list (wrk, rotate-cookies.lua). */
async function cycledLoad(url: string, cookies: string[], file: string, seconds: number): Promise<LoadResult> {
  if (TOOL === 'wrk') {
    const proc = Bun.spawn(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', join(import.meta.dir, 'rotate-cookies.lua'), `${url}/test/session/check`, '--', file], { stdout: 'pipe', stderr: 'pipe' })
    const out = await new Response(proc.stdout).text()
    await proc.exited
    const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(out)?.[1] ?? NaN)
    return {
      requests,
      seconds: parseDuration(/requests in ([\d.]+\w+)/.exec(out)?.[1] ?? '0s') / 1000,
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
      p50: parseDuration(/50%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '0ms'),
      p99: parseDuration(/99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? '0ms'),
      errors: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: .*?(\d+)/.exec(out)?.[1] ?? 0),
    }
  }
  // @ts-expect-error autocannon ships no types; the fields used below are its documented result.
  const { default: autocannon } = await import('autocannon')
  let i = 0
  const result = await autocannon({
    url: `${url}/test/session/check`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { cookie: cookies[i++ % cookies.length] } }) }],
  })
  return { requests: result.requests.total, seconds: result.duration, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors }
}

/** Browser-like: users send back their last cookie (bench/browser-load.ts, a process of its own). */
async function browserLoad(url: string, jarFile: string, expect: string, seconds: number, requests?: number): Promise<LoadResult> {
  const limit = requests === undefined ? [] : [`--requests=${requests}`]
  const proc = Bun.spawn(['bun', join(import.meta.dir, 'browser-load.ts'), `--url=${url}`, `--jar=${jarFile}`, `--duration=${seconds}`, ...limit, `--connections=${CONNECTIONS}`, `--expect=${expect}`], {
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err] = [await new Response(proc.stdout).text(), await new Response(proc.stderr).text()]
  if ((await proc.exited) !== 0) throw new Error(`browser-load failed:\n${err}`)
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as BrowserLoadResult
  return result
}

const expected = (spec: VariantSpec) => (spec.role === 'ceiling' ? 'You are not logged in' : 'Logged in as user')

async function measure(server: BenchServer, spec: VariantSpec, load: () => Promise<LoadResult>): Promise<Run> {
  const before = await stats(server)
  const store = redis
  const callsBefore = store === undefined ? 0 : redisCalls(store)
  const storeBefore = store === undefined ? 0 : cpuMicros(store.pid)
  const cpuBefore = cpuMicrosOf(server.cpuPids)
  const run = await load()
  const cpuAfter = cpuMicrosOf(server.cpuPids)
  const storeAfter = store === undefined ? 0 : cpuMicros(store.pid)
  const callsAfter = store === undefined ? 0 : redisCalls(store)
  const after = await stats(server)
  if (run.errors > 0 || !(run.requests > 0)) {
    throw new Error(`${spec.name} on ${server.runtime}: ${run.errors} errors in ${run.requests} requests${run.samples?.length ? `: ${run.samples.join(' | ')}` : ''}`)
  }
  const served = after.requests - before.requests
  const per = (name: 'sign' | 'verify' | 'encrypt' | 'decrypt') => (after[name] - before[name]) / served
  const withCookie = run.withCookie ?? served
  // A verify (JWS) or a decrypt (JWE) per request that carried a cookie is a miss.
  const checks = spec.token === 'jwe' ? after.decrypt - before.decrypt : after.verify - before.verify
  return {
    requests: run.requests,
    seconds: run.seconds,
    rps: run.rps,
    p50: run.p50,
    p99: run.p99,
    errors: run.errors,
    cpuUs: (cpuAfter - cpuBefore) / run.requests,
    rssMb: memoryMb(server.memoryPid).rssMb,
    crypto: { sign: per('sign'), verify: per('verify'), encrypt: per('encrypt'), decrypt: per('decrypt') },
    hitRate: spec.role === 'ours' && after.counting ? 1 - checks / withCookie : null,
    ...(run.clientCpuUs === undefined ? {} : { clientCpuUs: run.clientCpuUs }),
    ...(store === undefined ? {} : { storeCpuUs: (storeAfter - storeBefore) / run.requests, storeCalls: (callsAfter - callsBefore) / served }),
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function summarise(runs: Run[], ceilingCpu: number): Summary {
  const m = (pick: (r: Run) => number) => median(runs.map(pick))
  const cpuUs = m((r) => r.cpuUs)
  const hit = runs.every((r) => r.hitRate !== null) ? m((r) => r.hitRate!) : null
  const client = runs.every((r) => r.clientCpuUs !== undefined) ? m((r) => r.clientCpuUs!) : undefined
  const storeCpu = runs.every((r) => r.storeCpuUs !== undefined) ? m((r) => r.storeCpuUs!) : undefined
  const storeCalls = runs.every((r) => r.storeCalls !== undefined) ? m((r) => r.storeCalls!) : undefined
  return {
    rps: m((r) => r.rps),
    p50: m((r) => r.p50),
    p99: m((r) => r.p99),
    cpuUs,
    extraUs: cpuUs - ceilingCpu,
    rssMb: m((r) => r.rssMb),
    crypto: { sign: m((r) => r.crypto.sign), verify: m((r) => r.crypto.verify), encrypt: m((r) => r.crypto.encrypt), decrypt: m((r) => r.crypto.decrypt) },
    hitRate: hit,
    ...(client === undefined ? {} : { clientCpuUs: client }),
    ...(storeCpu === undefined ? {} : { storeCpuUs: storeCpu }),
    ...(storeCalls === undefined ? {} : { storeCalls }),
    cpuUsReps: runs.map((r) => r.cpuUs),
    rpsReps: runs.map((r) => r.rps),
    runs: runs.length,
  }
}

// ---------------------------------------------------------------------------------------------------
// One runtime

/** A correct answer from every variant before anything is measured: set, then check with a minted session. */
async function checkAnswers(server: BenchServer, spec: VariantSpec, cookie: string): Promise<void> {
  const where = `${spec.name} on ${server.runtime}`
  const set = await fetch(`${server.url}/test/session/set`)
  const setText = await set.text()
  if (set.status !== 200 || setText !== 'Test') throw new Error(`${where}: /test/session/set answered ${set.status} "${setText.slice(0, 200)}"`)
  if (spec.role !== 'ceiling' && set.headers.getSetCookie().length === 0) throw new Error(`${where}: /test/session/set sent no cookie`)
  const before = await stats(server)
  const callsBefore = usesRedis(spec) && redis !== undefined ? redisCalls(redis) : 0
  const check = await fetch(`${server.url}/test/session/check`, { headers: { cookie } })
  const text = await check.text()
  if (check.status !== 200 || text !== expected(spec)) throw new Error(`${where}: a minted session answers ${check.status} "${text.slice(0, 200)}", not "${expected(spec)}"`)
  if (spec.role !== 'ceiling' && check.headers.getSetCookie().length === 0) throw new Error(`${where}: the session was not reissued`)
  // Revocation as the variant says: a signed token carries a check stamp exactly when a store is asked,
  // and a Redis row's check reached this bench's Redis.
  if (spec.revocation !== undefined && spec.token === 'jws') {
    const value = check.headers.getSetCookie().at(-1)!.split(';')[0]!
    const payload = JSON.parse(Buffer.from(value.slice(value.indexOf('=') + 1).split('.')[1] ?? '', 'base64url').toString('utf8')) as { checked?: unknown; epoch?: unknown }
    const stamped = payload.checked !== undefined && payload.epoch !== undefined
    if (stamped !== (spec.revocation !== 'off')) throw new Error(`${where}: the reissued token ${stamped ? 'carries' : 'has no'} revocation stamp, so revocation is ${stamped ? 'on' : 'off'}; this variant says ${spec.revocation}`)
  }
  if (usesRedis(spec) && !(redis !== undefined && redisCalls(redis) > callsBefore)) throw new Error(`${where}: the check did not reach the bench's Redis`)
  const after = await stats(server)
  // The minted token was never seen by this process: it must have been checked in full, and counted.
  if (spec.role === 'ours' && after.verify + after.decrypt <= before.verify + before.decrypt) {
    throw new Error(`${where}: WebCrypto calls are not counted (counting=${after.counting}); the hit rate would be wrong`)
  }
}

async function benchRuntime(runtime: RuntimeName): Promise<RuntimeResult> {
  const result: RuntimeResult = { runtime, notRun: {}, scenarios: {}, servers: {} }
  const most = Math.max(...SCENARIOS, BROWSER_USERS, SMOKE ? 20 : 0)
  log(`\n## ${runtime}\n`)

  // Sessions first (minting is slow for some peers), then the servers.
  const specs: VariantSpec[] = []
  for (const spec of SPECS) {
    if (!runsOn(spec, runtime)) {
      result.notRun[spec.name] = spec.note ?? `runs on ${spec.runtimes!.join(', ')} only`
      continue
    }
    try {
      await cookiesFor(spec, most)
      specs.push(spec)
    } catch (error) {
      result.notRun[spec.name] = `cannot mint sessions: ${(error as Error).message}`
    }
  }
  const servers = new Map<string, BenchServer>()
  const started = await Promise.allSettled(specs.map(async (spec) => [spec.name, await startVariant(runtime, launchable(spec), { workDir, viaProxy: VIA_PROXY })] as const))
  started.forEach((s, i) => {
    if (s.status === 'fulfilled') servers.set(s.value[0], s.value[1])
    else result.notRun[specs[i]!.name] = `did not start: ${firstLines(String(s.reason))}`
  })
  try {
    for (const spec of specs) {
      const server = servers.get(spec.name)
      if (server === undefined) continue
      try {
        await checkAnswers(server, spec, (await cookiesFor(spec, 1))[0]!)
        result.servers[spec.name] = { url: server.url, ...(server.note ? { note: server.note } : {}) }
      } catch (error) {
        result.notRun[spec.name] = firstLines((error as Error).message)
        await server.stop()
        servers.delete(spec.name)
      }
    }
    for (const [name, reason] of Object.entries(result.notRun)) log(`  not run: ${name}: ${reason}`)
    if (!servers.has('bare') || !servers.has('ours')) throw new Error(`${runtime}: the ceiling and this project must both run (${JSON.stringify(result.notRun)})`)
    let running = specs.filter((s) => servers.has(s.name))
    /** A variant that fails under load is reported with the reason and left out from then on; the ceiling and ours may not fail. */
    const drop = async (spec: VariantSpec, error: Error) => {
      if (spec.name === 'bare' || spec.name === 'ours') throw error
      result.notRun[spec.name] = `failed under load: ${firstLines(error.message)}`
      log(`  dropped ${spec.name}: ${result.notRun[spec.name]}`)
      running = running.filter((s) => s !== spec)
      for (const scenario of Object.values(result.scenarios)) delete scenario[spec.name]
      await servers.get(spec.name)?.stop()
      servers.delete(spec.name)
    }
    log(`  ${running.length} variants answer correctly on ${runtime}${servers.get('ours')!.note ? ` (${servers.get('ours')!.note})` : ''}`)

    const revocationRows = running.some((spec) => tableOf(spec) === 'revocation')
    const scenarioList = [
      ...SCENARIOS.map((n) => ({ key: `cycled-${n}`, sessions: n, browser: false, revocationOnly: false })),
      ...(BROWSER_USERS > 0 ? [{ key: `browser-${BROWSER_USERS}`, sessions: BROWSER_USERS, browser: true, revocationOnly: false }] : []),
      ...(REVOCATION_BROWSER_USERS > 0 && REVOCATION_BROWSER_USERS !== BROWSER_USERS && revocationRows
        ? [{ key: `browser-${REVOCATION_BROWSER_USERS}`, sessions: REVOCATION_BROWSER_USERS, browser: true, revocationOnly: true }]
        : []),
    ]
    for (const scenario of scenarioList) {
      // The revocation rows run in the smaller cycled scenarios and the browser-like ones; the scenario
      // made for them runs them, this project with no store and the ceiling only.
      const inTable = (spec: VariantSpec) => !scenario.revocationOnly || spec.name === 'bare' || spec.name === 'ours' || tableOf(spec) === 'revocation'
      const here = (spec: VariantSpec) => running.includes(spec) && inTable(spec) && (scenario.browser || spec.cycledMax === undefined || scenario.sessions <= spec.cycledMax)
      const runs = new Map<string, Run[]>(running.filter(here).map((s) => [s.name, []]))
      const loads = new Map<string, () => Promise<LoadResult>>()
      for (const spec of running.filter(here)) {
        const server = servers.get(spec.name)!
        const cookies = await cookiesFor(spec, scenario.sessions)
        const file = join(workDir, `${runtime}-${spec.name}-${scenario.key}.txt`)
        writeFileSync(file, cookies.join('\n') + '\n')
        loads.set(spec.name, scenario.browser ? () => browserLoad(server.url, file, expected(spec), DURATION) : () => cycledLoad(server.url, cookies, file, DURATION))
        if (WARMUP > 0) await measure(server, spec, () => (scenario.browser ? browserLoad(server.url, file, expected(spec), WARMUP) : cycledLoad(server.url, cookies, file, WARMUP))).catch((error: Error) => drop(spec, error))
      }
      for (let rep = 0; rep < REPS; rep++) {
        // Interleaved, and in a different order each time, so drift hits every variant alike.
        const inScenario = running.filter(here)
        const order = inScenario.map((_, i) => inScenario[(i + rep) % inScenario.length]!)
        for (const spec of order) {
          if (!here(spec)) continue
          const run = await measure(servers.get(spec.name)!, spec, loads.get(spec.name)!).catch((error: Error) => drop(spec, error))
          if (run === undefined) continue
          runs.get(spec.name)!.push(run)
          const hit = run.hitRate === null ? '' : `, hit rate ${(run.hitRate * 100).toFixed(1)}%`
          log(`  ${scenario.key}, rep ${rep + 1}, ${spec.name}: ${run.rps.toFixed(0)} req/s, ${run.cpuUs.toFixed(1)} µs CPU/req${hit}`)
        }
      }
      const ceilingCpu = median(runs.get('bare')!.map((r) => r.cpuUs))
      result.scenarios[scenario.key] = Object.fromEntries(running.filter(here).map((s) => [s.name, summarise(runs.get(s.name)!, ceilingCpu)]))
    }
    result.peakMb = Object.fromEntries(running.map((spec) => [spec.name, memoryMb(servers.get(spec.name)!.memoryPid).peakMb]))
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
  }
  if (MEMORY) result.memory = await memoryRuns(runtime)
  return result
}

const firstLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '').slice(0, 3).join(' / ').slice(0, 400)

// ---------------------------------------------------------------------------------------------------
// Memory: what the token cache costs (fresh servers with it on and off, after the same browser-like
// load with 10,000 users), and that memory stays bounded (RSS after 100,000 and after 1,000,000
// requests, --memory-requests, with every request another of the largest scenario's sessions).

async function memoryRuns(runtime: RuntimeName): Promise<NonNullable<RuntimeResult['memory']>> {
  const users = 10_000
  // Two requests per user: the cache keeps a session from its second token on (its first token is the
  // one minted elsewhere), so it then holds one token per active session. The same requests for both,
  // so both made the same garbage; fresh servers, a pair per repetition, medians (RSS after a GC still
  // moves by several MB run to run).
  const requests = 2 * users
  const measured: Record<string, { rssMb: number[]; heapMb: (number | null)[]; requests: number[] }> = {
    'ours-sized': { rssMb: [], heapMb: [], requests: [] },
    'ours-nocache': { rssMb: [], heapMb: [], requests: [] },
  }
  for (let rep = 0; rep < REPS; rep++) {
    for (const name of rep % 2 === 0 ? ['ours-sized', 'ours-nocache'] : ['ours-nocache', 'ours-sized']) {
      const spec = variant(name)
      const server = await startVariant(runtime, spec, { workDir, viaProxy: VIA_PROXY })
      try {
        const file = join(workDir, `${runtime}-${name}-memory.txt`)
        writeFileSync(file, (await cookiesFor(spec, users)).join('\n') + '\n')
        const run = await browserLoad(server.url, file, expected(spec), 600, requests)
        if (run.errors > 0) throw new Error(`${name} on ${runtime}: ${run.errors} errors in the memory run`)
        const s = await stats(server, true)
        await Bun.sleep(200)
        measured[name]!.rssMb.push(memoryMb(server.memoryPid).rssMb)
        measured[name]!.heapMb.push(s.heapMb)
        measured[name]!.requests.push(run.requests)
      } finally {
        await server.stop()
      }
    }
  }
  const heap = (name: string) => (measured[name]!.heapMb.every((h) => h !== null) ? median(measured[name]!.heapMb as number[]) : null)
  const cache = {
    users,
    cacheSize: SIZED_CACHE,
    onMb: median(measured['ours-sized']!.rssMb),
    offMb: median(measured['ours-nocache']!.rssMb),
    heapOnMb: heap('ours-sized'),
    heapOffMb: heap('ours-nocache'),
    requests: Math.min(...measured['ours-sized']!.requests, ...measured['ours-nocache']!.requests),
    pairs: REPS,
  }
  log(`  token cache memory on ${runtime}: RSS ${cache.onMb.toFixed(1)} MB with the cache, ${cache.offMb.toFixed(1)} MB without, after ${users.toLocaleString('en')} active users`)

  const sessions = Math.max(...SCENARIOS)
  const server = await startVariant(runtime, variant('ours'), { workDir, viaProxy: VIA_PROXY })
  try {
    const cookies = await cookiesFor(variant('ours'), sessions)
    const file = join(workDir, `${runtime}-ours-bounded.txt`)
    writeFileSync(file, cookies.join('\n') + '\n')
    let total = 0
    let early: { requests: number; rssMb: number } | undefined
    while (total < MEMORY_REQUESTS) {
      const run = await cycledLoad(server.url, cookies, file, early === undefined ? Math.min(10, DURATION) : 10)
      if (run.errors > 0) throw new Error(`ours on ${runtime}: ${run.errors} errors in the memory run`)
      total += run.requests
      if (early === undefined && total >= MEMORY_REQUESTS / 10) early = { requests: total, rssMb: memoryMb(server.memoryPid).rssMb }
    }
    const bounded = { sessions, earlyRequests: early!.requests, earlyMb: early!.rssMb, requests: total, endMb: memoryMb(server.memoryPid).rssMb }
    log(`  RSS of this project on ${runtime}: ${bounded.earlyMb.toFixed(1)} MB after ${bounded.earlyRequests.toLocaleString('en')} requests, ${bounded.endMb.toFixed(1)} MB after ${total.toLocaleString('en')}`)
    return { cache, bounded }
  } finally {
    await server.stop()
  }
}

// ---------------------------------------------------------------------------------------------------
// Smoke (CI): every variant on every runtime answers correctly, and each part of the pipeline runs
// once briefly (wrk and the browser-like generator on Bun, the generator on each runtime). No numbers.

async function smoke(): Promise<void> {
  const t0 = performance.now()
  for (const spec of SPECS) await cookiesFor(spec, 20)
  log(`minted 20 sessions per variant in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const failures: string[] = []
  // Every server of every runtime at once: start-up (workerd's above all) is most of the time.
  const started = await Promise.all(
    RUNTIMES.map(async (runtime) => {
      const specs = SPECS.filter((spec) => runsOn(spec, runtime))
      return { runtime, specs, servers: await Promise.allSettled(specs.map((spec) => Promise.resolve().then(() => startVariant(runtime, launchable(spec), { workDir, viaProxy: VIA_PROXY })))) }
    }),
  )
  log(`${started.reduce((sum, s) => sum + s.specs.length, 0)} servers started in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  try {
    for (const [r, { runtime, specs, servers }] of started.entries()) {
      for (const [i, spec] of specs.entries()) {
        const s = servers[i]!
        if (s.status === 'rejected') failures.push(`${spec.name} on ${runtime} did not start: ${firstLines(String(s.reason))}`)
        else await checkAnswers(s.value, spec, (await cookiesFor(spec, 1))[0]!).catch((error: Error) => failures.push(firstLines(error.message)))
      }
      // The load paths, briefly: the browser-like generator and the stats on every runtime, wrk on the
      // first; and each revocation row under load, with its store calls counted where Redis counts them.
      for (const [i, spec] of specs.entries()) {
        const s = servers[i]!
        if (s.status === 'rejected' || !(spec.name === 'bare' || spec.name === 'ours' || tableOf(spec) === 'revocation')) continue
        const cookies = await cookiesFor(spec, 20)
        const file = join(workDir, `smoke-${runtime}-${spec.name}.txt`)
        writeFileSync(file, cookies.join('\n') + '\n')
        const where = `${spec.name} on ${runtime}`
        try {
          const browser = await measure(s.value, spec, () => browserLoad(s.value.url, file, expected(spec), spec.name === 'bare' || spec.name === 'ours' ? 1 : 0.5))
          if (spec.role === 'ours' && !(browser.hitRate !== null && browser.hitRate > 0.5)) failures.push(`${where}: hit rate ${browser.hitRate} with 20 users`)
          // 20 users: every request of the every-request row is checked, and the 30-s row checks each user once.
          if (spec.name === 'ours-redis' && !(browser.storeCalls !== undefined && browser.storeCalls > 0.95)) failures.push(`${where}: ${browser.storeCalls} Redis calls per request, not 1`)
          if (spec.name === 'ours-redis-30s' && !(browser.storeCalls !== undefined && browser.storeCalls * browser.requests <= 40)) failures.push(`${where}: ${browser.storeCalls} Redis calls per request over ${browser.requests} requests: the interval is not applied`)
          if (r === 0 && (spec.name === 'bare' || spec.name === 'ours')) await measure(s.value, spec, () => cycledLoad(s.value.url, cookies, file, 1))
        } catch (error) {
          failures.push(firstLines((error as Error).message))
        }
      }
      log(`${runtime}: ${specs.length} variants checked, load paths ran (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    }
  } finally {
    await Promise.all(started.flatMap(({ servers }) => servers.flatMap((s) => (s.status === 'fulfilled' ? [s.value.stop()] : []))))
  }
  if (failures.length > 0) {
    console.error(`\nbench smoke failed:\n- ${failures.join('\n- ')}`)
    process.exitCode = 1
  } else log(`bench smoke: every variant answered correctly on ${RUNTIMES.join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
}

// ---------------------------------------------------------------------------------------------------

function machine(): Report['machine'] {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
  return {
    nproc: availableParallelism(),
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    kernel: `Linux ${release()}`,
  }
}

function redisVersion(): string {
  return /redis_version:(\S+)/.exec(redis?.server.cli('INFO', 'server') ?? '')?.[1] ?? 'unknown'
}

function wrkVersion(): string {
  if (TOOL !== 'wrk') return `autocannon ${JSON.parse(readFileSync(join(import.meta.dir, '../node_modules/autocannon/package.json'), 'utf8')).version}`
  const proc = Bun.spawnSync(['wrk', '-v'])
  return /wrk (\S+)/.exec(new TextDecoder().decode(proc.stdout) + new TextDecoder().decode(proc.stderr))?.[1] ?? 'unknown'
}

try {
  if (SPECS.some((spec) => usesRedis(spec) && RUNTIMES.some((runtime) => runsOn(spec, runtime)))) {
    try {
      redis = await startRedis()
      log(`redis-server ${redisVersion()} on ${redis.server.url} (not persistent), pid ${redis.pid}`)
    } catch (error) {
      // The Redis rows are then reported as not run, with this reason; the rest runs.
      redisProblem = `redis-server did not start: ${firstLines((error as Error).message)} (apt-get install -y redis-server)`
      log(redisProblem)
    }
  }
  if (SMOKE) await smoke()
  else {
    const started = Date.now()
    const report: Report = {
      date: new Date().toISOString(),
      command: `bun bench/http.ts ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      versions: { ...versions(RUNTIMES), [TOOL === 'wrk' ? 'wrk' : 'load tool']: wrkVersion(), ...(redis === undefined ? {} : { 'redis-server': redisVersion() }) },
      options: { memoryRequests: MEMORY ? MEMORY_REQUESTS : 0, tool: TOOL, connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, reps: REPS, sessions: SCENARIOS, browserUsers: BROWSER_USERS, revocationBrowserUsers: REVOCATION_BROWSER_USERS, variants: SPECS.map((s) => s.name), runtimes: RUNTIMES, workerdViaProxy: VIA_PROXY },
      labels: Object.fromEntries(SPECS.map((s) => [s.name, s.label])),
      tables: {
        peers: SPECS.filter((s) => tableOf(s) === 'peers').map((s) => s.name),
        revocation: ['ours', ...SPECS.filter((s) => tableOf(s) === 'revocation').map((s) => s.name)],
        stores: Object.fromEntries(SPECS.flatMap((s) => (s.revocation === undefined ? [] : [[s.name, s.revocation]]))),
      },
      results: {},
      seconds: 0,
    }
    log(`# HTTP comparison: ${RUNTIMES.join(', ')}; ${TOOL} and the browser-like generator, ${CONNECTIONS} connections, ${DURATION} s runs, ${REPS} interleaved repetitions`)
    log(Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', '))
    for (const runtime of RUNTIMES) {
      try {
        report.results[runtime] = await benchRuntime(runtime)
      } catch (error) {
        report.results[runtime] = { runtime, notRun: {}, scenarios: {}, servers: {}, failed: firstLines((error as Error).message) }
        console.error(`${runtime}: ${(error as Error).message}`)
        process.exitCode = 1
      }
    }
    report.seconds = (Date.now() - started) / 1000
    printTables(report, log)
    const jsonFile = args.get('--json') ?? join(tmpdir(), 'bench-http-results.json')
    writeFileSync(jsonFile, JSON.stringify(report, null, 2))
    log(`\nResults: ${jsonFile} (${(report.seconds / 60).toFixed(1)} minutes)`)
    const markdown = args.get('--markdown')
    if (markdown !== undefined) {
      writeFileSync(markdown, markdownReport(report))
      log(`Report: ${markdown}`)
    }
  }
} finally {
  if (redis !== undefined) await redis.server[Symbol.asyncDispose]()
  if (!args.has('--keep')) rmSync(workDir, { recursive: true, force: true })
  else log(`generated files kept in ${workDir}`)
}
