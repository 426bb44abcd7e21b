// Tables, targets and the markdown report of bench/http.ts, from its JSON results.

export interface Summary {
  rps: number
  p50: number
  p99: number
  /** Server CPU per request, µs (median of the repetitions). */
  cpuUs: number
  /** Above the ceiling's, in the same scenario on the same runtime. */
  extraUs: number
  rssMb: number
  /** WebCrypto calls per request, counted in the server. */
  crypto: { sign: number; verify: number; encrypt: number; decrypt: number }
  /** This project only: 1 − full token checks per request carrying a cookie. */
  hitRate: number | null
  /** Browser-like only: the load generator's own CPU per request, µs. */
  clientCpuUs?: number
  runs: number
}

export interface RuntimeResult {
  runtime: string
  /** Variants asked for that could not run here, with the reason measured. */
  notRun: Record<string, string>
  /** scenario key (cycled-1000, browser-100000) → variant → summary */
  scenarios: Record<string, Record<string, Summary>>
  /** Peak RSS (VmHWM) of each server at the end of its runs, MB. */
  peakMb?: Record<string, number>
  servers: Record<string, { url: string; note?: string }>
  memory?: {
    cache: { users: number; onMb: number; offMb: number; heapOnMb: number | null; heapOffMb: number | null; requests: number; pairs: number }
    bounded: { sessions: number; earlyRequests: number; earlyMb: number; requests: number; endMb: number }
  }
  /** The whole runtime failed (its ceiling or this project did not run). */
  failed?: string
}

export interface Report {
  date: string
  command: string
  machine: { nproc: number; cpu: string; kernel: string }
  versions: Record<string, string>
  options: {
    memoryRequests: number
    tool: string
    connections: number
    duration: number
    warmup: number
    reps: number
    sessions: number[]
    browserUsers: number
    variants: string[]
    runtimes: string[]
    workerdViaProxy: boolean
  }
  labels: Record<string, string>
  results: Record<string, RuntimeResult>
  seconds: number
}

const PEERS = ['hono-session', 'hono-sessions', 'iron-session']
const RUNTIME_TITLES: Record<string, string> = { bun: 'Bun', node: 'Node', deno: 'Deno', workerd: 'workerd (wrangler dev)' }
const n = (value: number, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })

function scenarioTitle(key: string): string {
  const [kind, count] = key.split('-')
  const sessions = n(Number(count))
  return kind === 'browser' ? `browser-like, ${sessions} users sending back their last cookie` : `${sessions} sessions cycled`
}

function table(report: Report, result: RuntimeResult, key: string): string[] {
  const rows = result.scenarios[key]!
  const ours = rows.ours!
  const ceiling = rows.bare!
  const lines = [
    '| implementation | req/s | p50 ms | p99 ms | server CPU µs/req | extra CPU µs/req | token cache hit rate | peak RSS MB | × ceiling | this project is |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const name of report.options.variants) {
    const label = report.labels[name] ?? name
    const r = rows[name]
    if (r === undefined) {
      const reason = result.notRun[name]
      if (reason !== undefined) lines.push(`| ${label} | not run: ${reason.replaceAll('|', '/')} | | | | | | | | |`)
      continue
    }
    const isOurs = name === 'ours'
    const vs = name === 'bare' || isOurs ? '' : ours.rps >= r.rps ? `${(ours.rps / r.rps).toFixed(2)}× faster` : `${(ours.rps / r.rps).toFixed(2)}×`
    const peak = result.peakMb?.[name]
    lines.push(
      `| ${isOurs ? `**${label}**` : label} | ${isOurs ? `**${n(r.rps)}**` : n(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUs.toFixed(1)} | ${name === 'bare' ? '—' : isOurs ? `**${r.extraUs.toFixed(1)}**` : r.extraUs.toFixed(1)} | ${r.hitRate === null ? '' : `${(r.hitRate * 100).toFixed(1)}%`} | ${peak === undefined ? '' : peak.toFixed(0)} | ${(r.rps / ceiling.rps).toFixed(2)} | ${vs} |`,
    )
  }
  const client = ours.clientCpuUs
  if (client !== undefined) {
    lines.push('')
    const fastest = Math.max(...Object.entries(rows).filter(([name]) => name !== 'bare').map(([, r]) => r.rps))
    const headroom = ceiling.rps / fastest
    lines.push(
      `Load generator (bench/browser-load.ts): ${client.toFixed(1)} µs of its own CPU per request against this project, ${ceiling.clientCpuUs?.toFixed(1)} against the ceiling, which it drove at ${n(ceiling.rps)} req/s, ${headroom.toFixed(1)}× the fastest session variant` +
        (headroom >= 1.5 ? ': it is not what limits the session variants.' : ': **too little headroom** — the generator, or this runtime\'s cost per request, may limit every variant alike; compare extra CPU, not req/s.'),
    )
  }
  return lines
}

export interface Target {
  ok: boolean | null
  text: string
}

/** The targets of issue #13, judged on one runtime's results. */
export function targets(result: RuntimeResult, labels: Record<string, string>): Target[] {
  const out: Target[] = []
  const label = (name: string) => labels[name] ?? name
  const judge = (key: string, names: string[], test: (rows: Record<string, Summary>) => boolean, text: (rows: Record<string, Summary>) => string, what: string) => {
    const rows = result.scenarios[key]
    const missing = names.filter((name) => rows?.[name] === undefined)
    if (rows === undefined) return out.push({ ok: null, text: `${what}: not judged (scenario ${key} not run)` })
    if (missing.length > 0) return out.push({ ok: null, text: `${what}: not judged (${missing.map((m) => `${label(m)}: ${result.notRun[m] ?? 'not run'}`).join('; ')})` })
    out.push({ ok: test(rows), text: text(rows) })
  }
  for (const peer of PEERS) {
    judge(
      'cycled-1000',
      ['ours', peer],
      (r) => r.ours!.rps > r[peer]!.rps,
      (r) => `1,000 sessions: throughput ${(r.ours!.rps / r[peer]!.rps).toFixed(2)}× ${label(peer)} (target: ahead)`,
      `1,000 sessions vs ${label(peer)}`,
    )
  }
  judge(
    'cycled-100000',
    ['ours', 'hono-session'],
    (r) => r.ours!.rps >= r['hono-session']!.rps,
    (r) => `100,000 sessions: throughput ${(r.ours!.rps / r['hono-session']!.rps).toFixed(2)}× ${label('hono-session')} (target ≥ 1×)`,
    `100,000 sessions vs ${label('hono-session')}`,
  )
  if (result.runtime === 'bun') {
    judge(
      'cycled-100000',
      ['ours', 'jose'],
      (r) => r.ours!.extraUs <= r.jose!.extraUs,
      (r) => `100,000 sessions: extra CPU ${r.ours!.extraUs.toFixed(1)} µs vs the jose middleware's ${r.jose!.extraUs.toFixed(1)} µs (target ≤)`,
      '100,000 sessions, extra CPU vs jose',
    )
    judge(
      'cycled-100000',
      ['ours', 'hono-session'],
      (r) => r.ours!.rps >= 1.3 * r['hono-session']!.rps,
      (r) => `100,000 sessions: throughput ${(r.ours!.rps / r['hono-session']!.rps).toFixed(2)}× ${label('hono-session')} (target ≥ 1.3×)`,
      '100,000 sessions, 1.3× @hono/session',
    )
    const browser = Object.keys(result.scenarios).find((k) => k.startsWith('browser-')) ?? 'browser-100000'
    judge(
      browser,
      ['ours', 'jose'],
      (r) => r.ours!.extraUs <= 0.6 * r.jose!.extraUs,
      (r) => `browser-like: extra CPU ${r.ours!.extraUs.toFixed(1)} µs vs the jose middleware's ${r.jose!.extraUs.toFixed(1)} µs = ${(r.ours!.extraUs / r.jose!.extraUs).toFixed(2)}× (target ≤ 0.6×)`,
      'browser-like, extra CPU vs jose',
    )
  }
  if (result.memory) {
    const { earlyRequests, earlyMb, requests, endMb } = result.memory.bounded
    out.push({ ok: endMb <= earlyMb * 1.1, text: `memory bounded: RSS ${endMb.toFixed(1)} MB after ${n(requests)} requests vs ${earlyMb.toFixed(1)} MB after ${n(earlyRequests)} (target: within 10%)` })
  }
  return out
}

function memoryLines(result: RuntimeResult): string[] {
  const m = result.memory
  if (!m) return []
  const c = m.cache
  const delta = c.onMb - c.offMb
  const heap =
    c.heapOnMb !== null && c.heapOffMb !== null
      ? `; JS heap after a full GC ${c.heapOnMb.toFixed(1)} vs ${c.heapOffMb.toFixed(1)} MB, **${(c.heapOnMb - c.heapOffMb).toFixed(1)} MB** held by the cache`
      : '; this runtime gives the Worker no GC or heap figure, so RSS as it stood'
  return [
    `- Token cache memory, fresh servers after the same ${n(c.requests)} browser-like requests from ${n(c.users)} active users (medians of ${c.pairs} pair(s), after a full GC where the runtime allows one): RSS ${c.onMb.toFixed(1)} MB with the cache (default tokenCacheSize 5,000) vs ${c.offMb.toFixed(1)} MB with tokenCacheSize 0, **${delta.toFixed(1)} MB per 10,000 active sessions**${heap}. The cache is full at 5,000 tokens of each kind, so more sessions cost no more.`,
    `- Bounded: RSS ${m.bounded.earlyMb.toFixed(1)} MB after ${n(m.bounded.earlyRequests)} requests, ${m.bounded.endMb.toFixed(1)} MB after ${n(m.bounded.requests)} (${n(m.bounded.sessions)} sessions cycled).`,
  ]
}

function runtimeSection(report: Report, result: RuntimeResult, heading: string): string[] {
  const lines = [`${heading} ${RUNTIME_TITLES[result.runtime] ?? result.runtime}`, '']
  if (result.failed) return [...lines, `Not run: ${result.failed}`, '']
  const note = result.servers.ours?.note
  if (note) lines.push(`Load sent ${note}.`, '')
  for (const key of Object.keys(result.scenarios)) lines.push(`**${scenarioTitle(key)}**`, '', ...table(report, result, key), '')
  const mem = memoryLines(result)
  if (mem.length > 0) lines.push('Memory (this project):', '', ...mem, '')
  const t = targets(result, report.labels)
  if (t.length > 0) lines.push('Targets:', '', ...t.map((x) => `- ${x.ok === null ? 'not judged' : x.ok ? 'met' : '**MISSED**'}: ${x.text}`), '')
  return lines
}

export function printTables(report: Report, log: (line: string) => void): void {
  log('')
  for (const result of Object.values(report.results)) for (const line of runtimeSection(report, result, '##')) log(line)
  log(`Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`)
}

/** The whole report, for docs/performance.md. */
export function markdownReport(report: Report): string {
  const o = report.options
  const lines = [
    '# Performance',
    '',
    `Generated by \`${report.command}\` on ${report.date.slice(0, 10)}, in ${Math.round(report.seconds / 60)} min.`,
    '',
    '## Machine and versions',
    '',
    `- Machine: ${report.machine.nproc} cores (\`nproc\`), ${report.machine.cpu}, ${report.machine.kernel}`,
    `- ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    '## Method',
    '',
    `Every implementation serves \`GET /test/session/check\` and reissues the session on every request; the ceiling is the same route with no session. Each is one runtime-neutral module (\`bench/servers/\`) served by a small launcher per runtime: \`Bun.serve\`; \`@hono/node-server\` on a \`bun build --target=node\` bundle run by plain \`node\`; \`Deno.serve\` (node_modules resolution); a module Worker under \`wrangler dev\`${o.workerdViaProxy ? ', load through its dev proxy' : ', load sent straight to the workerd process running the Worker (wrangler\'s dev proxy in front of it is a single Durable Object that also reports every request to the wrangler Node process for its log; going through it cuts throughput about 4× for every variant alike)'}.`,
    '',
    `Loopback, ${o.connections} keep-alive connections, ${o.duration}-second runs after a ${o.warmup}-second warm-up, ${o.reps} repetition(s) interleaved in a rotating order, medians. Server CPU is user + system time of the server process (all its threads; for workerd, the process running the Worker) from \`/proc\`, per request; extra CPU is above the ceiling's in the same scenario. Cycled scenarios: ${o.tool}, every request sends the next of N minted sessions. Browser-like: ${n(o.browserUsers)} users, each sending back the cookie it was last given (\`bench/browser-load.ts\`: users split among connections, one request in flight per connection, each response's \`Set-Cookie\` stored as that user's cookie). The token cache hit rate is measured from outside the library: the bench server wraps \`crypto.subtle.sign\`/\`verify\` with counters before the app is built, and hit rate = 1 − verifies / requests carrying a cookie.`,
    '',
  ]
  for (const result of Object.values(report.results)) lines.push(...runtimeSection(report, result, '##'))
  lines.push('## Reproduce', '', '```sh', 'apt-get install -y wrk', 'bun install --frozen-lockfile', report.command, '```', '')
  return lines.join('\n')
}
