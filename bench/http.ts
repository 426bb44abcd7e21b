// HTTP load comparison on loopback: this project against a bare route (the ceiling), a straightforward
// jose middleware and the peers, every one reissuing the session on every request.
// Usage: bun bench/http.ts [--smoke] [--duration=10] [--reps=3] [--sessions=1000,100000] [--no-memory] [--tool=wrk|autocannon]
import { readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type RunningServer } from '../test/support/server.ts'

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/=.*/, ''), a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true']))
const SMOKE = args.has('--smoke')
const DURATION = Number(args.get('--duration') ?? (SMOKE ? 1 : 10))
const WARMUP = SMOKE ? 0 : 2
const REPS = Number(args.get('--reps') ?? (SMOKE ? 1 : 3))
const SCENARIOS = (args.get('--sessions') ?? (SMOKE ? '20,200' : '1000,100000')).split(',').map(Number)
const MEMORY = !SMOKE && !args.has('--no-memory')
const CONNECTIONS = 50
const ALL_VARIANTS = ['bare', 'ours', 'jose', 'hono-session', 'hono-sessions', 'iron-session'] as const
type Variant = (typeof ALL_VARIANTS)[number]
// --variants=a,b picks some (bare and ours are always in: every ratio needs them).
const VARIANTS = (args.has('--variants') ? ['bare', 'ours', ...args.get('--variants')!.split(',').filter((v) => v !== 'bare' && v !== 'ours')] : [...ALL_VARIANTS]) as Variant[]
const LABELS: Record<Variant, string> = {
  bare: 'no session (ceiling)',
  ours: 'this project',
  jose: 'straightforward jose middleware',
  'hono-session': '@hono/session 0.2.1',
  'hono-sessions': 'hono-sessions 0.8.1',
  'iron-session': 'iron-session 9.0.1',
}

const which = (cmd: string) => Bun.spawnSync(['sh', '-c', `command -v ${cmd}`]).exitCode === 0
const TOOL = args.get('--tool') ?? (which('wrk') ? 'wrk' : 'autocannon')
const CLK_TCK = Number(new TextDecoder().decode(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout).trim()) || 100
if (TOOL === 'autocannon') console.log('wrk not found (apt-get install wrk gives steadier numbers); using autocannon from node_modules.')

interface Run {
  requests: number
  seconds: number
  rps: number
  p50: number
  p99: number
  errors: number
  cpuUs: number
  rssMb: number
}

function procStat(pid: number): { cpuTicks: number; rssMb: number; peakMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { cpuTicks: Number(fields[11]) + Number(fields[12]), rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 }
}

async function mint(url: string, count: number): Promise<string[]> {
  const cookies: string[] = []
  const worker = async () => {
    while (cookies.length < count) {
      const res = await fetch(`${url}/test/session/set`)
      await res.arrayBuffer()
      // The last one wins, as in a browser (hono-sessions sends two); @hono/session names its cookie "sid".
      const last = res.headers.getSetCookie().at(-1)
      cookies.push(last === undefined ? 'none=1' : last.split(';')[0]!)
    }
  }
  await Promise.all(Array.from({ length: 64 }, worker))
  return cookies.slice(0, count)
}

function parseDuration(text: string): number {
  const m = /([\d.]+)(us|ms|s|m)/.exec(text)!
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2] as 'us' | 'ms' | 's' | 'm']
}

async function load(url: string, cookies: string[], file: string, seconds: number): Promise<Omit<Run, 'cpuUs' | 'rssMb'>> {
  if (TOOL === 'wrk') {
    const proc = Bun.spawnSync(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', join(import.meta.dir, 'rotate-cookies.lua'), `${url}/test/session/check`, '--', file])
    const out = new TextDecoder().decode(proc.stdout)
    const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(out)?.[1] ?? NaN)
    const took = parseDuration(/requests in ([\d.]+\w+)/.exec(out)?.[1] ?? '0s') / 1000
    return {
      requests,
      seconds: took,
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
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  }
}

async function measure(server: RunningServer, cookies: string[], file: string, seconds: number): Promise<Run> {
  const before = procStat(server.pid)
  const run = await load(server.url, cookies, file, seconds)
  const after = procStat(server.pid)
  const cpuUs = (((after.cpuTicks - before.cpuTicks) / CLK_TCK) * 1e6) / run.requests
  return { ...run, cpuUs, rssMb: after.rssMb }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

// --- start every variant and mint its sessions
console.log(`# HTTP comparison: ${TOOL}, ${CONNECTIONS} connections, ${DURATION} s runs, ${REPS} interleaved repetitions, Bun ${Bun.version}`)
const servers = {} as Record<Variant, RunningServer>
for (const v of VARIANTS) servers[v] = await startServer(['bun', join(import.meta.dir, 'servers', `${v}.ts`)], {})
const results: Record<number, Record<Variant, Run[]>> = {}
try {
  const most = Math.max(...SCENARIOS)
  const cookies = {} as Record<Variant, string[]>
  for (const v of VARIANTS) {
    const t = performance.now()
    cookies[v] = await mint(servers[v === 'bare' ? 'ours' : v].url, most)
    const check = await (await fetch(`${servers[v].url}/test/session/check`, { headers: { cookie: cookies[v][0]! } })).text()
    const expected = v === 'bare' ? 'You are not logged in' : 'Logged in as user'
    if (check !== expected) throw new Error(`${v}: a minted session answers "${check}", not "${expected}"`)
    console.log(`minted ${most} sessions for ${v} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  }

  for (const sessions of SCENARIOS) {
    results[sessions] = Object.fromEntries(VARIANTS.map((v) => [v, []])) as unknown as Record<Variant, Run[]>
    const files = {} as Record<Variant, string>
    for (const v of VARIANTS) {
      files[v] = join(tmpdir(), `bench-cookies-${v}-${sessions}.txt`)
      writeFileSync(files[v], cookies[v].slice(0, sessions).join('\n') + '\n')
      if (WARMUP > 0) await load(servers[v].url, cookies[v].slice(0, sessions), files[v], WARMUP)
    }
    for (let rep = 0; rep < REPS; rep++) {
      // Interleaved, and in a different order each time, so drift hits every variant alike.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]!)
      for (const v of order) {
        const run = await measure(servers[v], cookies[v].slice(0, sessions), files[v], DURATION)
        if (run.errors > 0 || !(run.requests > 0)) throw new Error(`${v}: ${run.errors} errors in ${run.requests} requests`)
        results[sessions]![v].push(run)
        console.log(`  ${sessions} sessions, rep ${rep + 1}, ${v}: ${run.rps.toFixed(0)} req/s, ${run.cpuUs.toFixed(1)} µs CPU/req`)
      }
    }
  }

  // --- report
  const peaks = Object.fromEntries(VARIANTS.map((v) => [v, procStat(servers[v].pid).peakMb])) as Record<Variant, number>
  const summary: Record<number, Record<Variant, { rps: number; p50: number; p99: number; cpuUs: number; extraUs: number }>> = {}
  for (const sessions of SCENARIOS) {
    const rows = results[sessions]!
    const bareCpu = median(rows.bare.map((r) => r.cpuUs))
    summary[sessions] = Object.fromEntries(
      VARIANTS.map((v) => {
        const cpuUs = median(rows[v].map((r) => r.cpuUs))
        return [v, { rps: median(rows[v].map((r) => r.rps)), p50: median(rows[v].map((r) => r.p50)), p99: median(rows[v].map((r) => r.p99)), cpuUs, extraUs: cpuUs - bareCpu }]
      }),
    ) as never
    const s = summary[sessions]! as Record<Variant, { rps: number; p50: number; p99: number; cpuUs: number; extraUs: number }>
    console.log(`\n### ${sessions.toLocaleString('en')} sessions cycled\n`)
    console.log('| implementation | req/s | p50 ms | p99 ms | server CPU µs/req | extra CPU µs/req | peak RSS MB | × ceiling | this project × |')
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const v of VARIANTS) {
      const r = s[v]
      const vsOurs = v === 'ours' || v === 'bare' ? '' : `${(s.ours.rps / r.rps).toFixed(2)}×`
      console.log(`| ${LABELS[v]} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUs.toFixed(1)} | ${v === 'bare' ? '—' : r.extraUs.toFixed(1)} | ${peaks[v].toFixed(0)} | ${(r.rps / s.bare.rps).toFixed(2)} | ${vsOurs} |`)
    }
  }

  // --- memory: RSS after 100,000 and after 1,000,000 requests on a fresh server, every request a new session
  let memory: { after100k: number; after1m: number; requests: number } | undefined
  if (MEMORY) {
    const sessions = Math.max(...SCENARIOS)
    const fresh = await startServer(['bun', join(import.meta.dir, 'servers', 'ours.ts')], {})
    try {
      const file = join(tmpdir(), `bench-cookies-ours-${sessions}.txt`)
      let total = 0
      let after100k: number | undefined
      while (total < 1_000_000) {
        const run = await load(fresh.url, cookies.ours.slice(0, sessions), file, 10)
        total += run.requests
        if (after100k === undefined && total >= 100_000) after100k = procStat(fresh.pid).rssMb
      }
      memory = { after100k: after100k!, after1m: procStat(fresh.pid).rssMb, requests: total }
      console.log(`\nMemory (this project, ${sessions.toLocaleString('en')} sessions): RSS ${memory.after100k.toFixed(1)} MB after ≥100,000 requests, ${memory.after1m.toFixed(1)} MB after ${total.toLocaleString('en')} (${(((memory.after1m - memory.after100k) / memory.after100k) * 100).toFixed(1)}%)`)
    } finally {
      await fresh.stop()
    }
  }

  // --- targets (issue 5), judged on this run's ratios
  if (!SMOKE) {
    console.log('\n### Targets\n')
    const line = (ok: boolean, text: string) => console.log(`- ${ok ? 'met' : 'MISSED'}: ${text}`)
    for (const sessions of SCENARIOS) {
      const s = summary[sessions]!
      for (const [peer, factor] of [['hono-session', 2], ['iron-session', 3], ['hono-sessions', 4]] as const) {
        const ratio = s.ours.rps / s[peer].rps
        line(ratio >= factor, `${sessions} sessions: throughput ${ratio.toFixed(2)}× ${LABELS[peer]} (target ≥ ${factor}×)`)
      }
    }
    const [few, many] = [summary[Math.min(...SCENARIOS)]!, summary[Math.max(...SCENARIOS)]!]
    line(few.ours.extraUs <= few.jose.extraUs / 2, `extra CPU with ${Math.min(...SCENARIOS)} sessions: ${few.ours.extraUs.toFixed(1)} µs vs jose ${few.jose.extraUs.toFixed(1)} µs (target ≤ half)`)
    line(many.ours.extraUs <= many.jose.extraUs, `extra CPU with ${Math.max(...SCENARIOS)} sessions: ${many.ours.extraUs.toFixed(1)} µs vs jose ${many.jose.extraUs.toFixed(1)} µs (target ≤)`)
    if (memory) line(memory.after1m <= memory.after100k * 1.1, `RSS after 1,000,000 requests within 10% of RSS after 100,000`)
  }
  writeFileSync(join(tmpdir(), 'bench-http-results.json'), JSON.stringify({ tool: TOOL, bun: Bun.version, summary, memory }, null, 2))
} finally {
  await Promise.all(VARIANTS.map((v) => servers[v].stop()))
}
