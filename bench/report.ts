// Tables, targets and the markdown report of bench/http.ts, from its JSON results.
import { SIZED_CACHE } from './variants.ts'

/** What one run measures of one server, and a summary of several runs keeps (their medians). */
export interface Measured {
  rps: number
  p50: number
  p99: number
  /** Server CPU per request, µs. */
  cpuUs: number
  rssMb: number
  /** WebCrypto calls per request, counted in the server. */
  crypto: { sign: number; verify: number; encrypt: number; decrypt: number }
  /** This project only: 1 − full token checks per request carrying a cookie. */
  hitRate: number | null
  /** Browser-like only: the load generator's own CPU per request, µs. */
  clientCpuUs?: number
  /** While the bench's redis-server ran: its CPU per request, µs, and revocation checks (scripts) it ran per request. */
  storeCpuUs?: number
  storeCalls?: number
}

/** The medians of a variant's runs in one scenario. */
export interface Summary extends Measured {
  /** Above the ceiling's, in the same scenario on the same runtime. */
  extraUs: number
  /** Server CPU µs/req and req/s of each repetition, in the order run: the noise between repetitions. */
  cpuUsReps?: number[]
  rpsReps?: number[]
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
    cache: { users: number; cacheSize: number; onMb: number; offMb: number; heapOnMb: number | null; heapOffMb: number | null; requests: number; pairs: number }
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
    /** Users of the browser-like scenario run for the revocation table only (absent in older results). */
    revocationBrowserUsers?: number
    variants: string[]
    runtimes: string[]
    workerdViaProxy: boolean
  }
  labels: Record<string, string>
  /** Which variants each table shows (`ours` is in both), and where each revocation row keeps revocations. */
  tables?: { peers: string[]; revocation: string[]; stores?: Record<string, string> }
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
  for (const name of report.tables?.peers ?? report.options.variants) {
    const label = report.labels[name] ?? name
    const r = rows[name]
    if (r === undefined) {
      const reason = result.notRun[name]
      if (reason !== undefined) lines.push(`| ${label} | not run: ${reason.replaceAll('|', '/')} | | | | | | | | |`)
      continue
    }
    const isOurs = name === 'ours'
    const vs = name === 'bare' || name.startsWith('ours') ? '' : ours.rps >= r.rps ? `${(ours.rps / r.rps).toFixed(2)}× faster` : `${(ours.rps / r.rps).toFixed(2)}×`
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

/** (max − min) / median of the repetitions' server CPU per request, or undefined with fewer than two. */
export function spread(r: Summary): number | undefined {
  const reps = r.cpuUsReps ?? []
  if (reps.length < 2) return undefined
  const sorted = [...reps].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return (sorted.at(-1)! - sorted[0]!) / median
}

const percent = (x: number | undefined) => (x === undefined ? 'n/a (1 rep)' : `${(x * 100).toFixed(1)}%`)

/** What revocation costs: this project with no store (`ours`), then each store, in one scenario. */
function revocationTable(report: Report, result: RuntimeResult, key: string): string[] {
  const rows = result.scenarios[key]!
  const none = rows.ours!
  const stores = report.tables?.stores ?? {}
  const lines = [
    '| revocation | req/s | p50 ms | p99 ms | app CPU µs/req | over no store µs/req | redis-server CPU µs/req | app + Redis µs/req | Redis checks/req | token cache hit rate | app CPU spread between reps |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const name of report.tables?.revocation ?? []) {
    const label = name === 'ours' ? 'no store (SESSION_REVOCATION=false)' : (report.labels[name] ?? name)
    const r = rows[name]
    if (r === undefined) {
      const reason = result.notRun[name]
      if (reason !== undefined) lines.push(`| ${label} | not run: ${reason.replaceAll('|', '/')} | | | | | | | | | |`)
      continue
    }
    const redis = stores[name] === 'redis' && r.storeCpuUs !== undefined
    lines.push(
      `| ${label} | ${n(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUs.toFixed(1)} | ${name === 'ours' ? '—' : (r.cpuUs - none.cpuUs).toFixed(1)} | ${redis ? r.storeCpuUs!.toFixed(1) : '—'} | ${redis ? (r.cpuUs + r.storeCpuUs!).toFixed(1) : r.cpuUs.toFixed(1)} | ${redis && r.storeCalls !== undefined ? r.storeCalls.toFixed(3) : '—'} | ${r.hitRate === null ? '' : `${(r.hitRate * 100).toFixed(1)}%`} | ${percent(spread(r))} |`,
    )
  }
  return lines
}

export interface Target {
  ok: boolean | null
  text: string
}

/**
 * Issue #12's targets for the cost of revocation, judged on one runtime's results. A difference is
 * judged only when the noise between repetitions (the larger (max − min) of the two rows, in µs) is
 * smaller than the margin the target allows; otherwise the figures are given as inconclusive.
 */
export function revocationTargets(result: RuntimeResult): Target[] {
  const out: Target[] = []
  const noiseUs = (r: Summary) => {
    const s = spread(r)
    return s === undefined ? undefined : s * r.cpuUs
  }
  const judgeWithNoise = (none: Summary, row: Summary, marginUs: number, within: boolean, text: string): Target => {
    const a = noiseUs(none)
    const b = noiseUs(row)
    const noise = `noise between repetitions, app CPU (max − min): no store ${a === undefined ? 'not measured (1 repetition)' : `${a.toFixed(1)} µs (${percent(spread(none))})`}, this row ${b === undefined ? 'not measured' : `${b.toFixed(1)} µs (${percent(spread(row))})`}`
    if (a !== undefined && b !== undefined && Math.max(a, b) > marginUs) {
      return { ok: null, text: `${text}; ${noise} — inconclusive: the noise is larger than the ${marginUs.toFixed(1)} µs the target allows` }
    }
    return { ok: within, text: `${text}; ${noise}` }
  }
  for (const [key, rows] of Object.entries(result.scenarios)) {
    const none = rows.ours
    if (none === undefined) continue
    const title = scenarioTitle(key)
    const every = rows['ours-redis']
    if (every !== undefined) {
      const over = every.cpuUs - none.cpuUs
      const redisText = every.storeCpuUs === undefined ? '' : `; redis-server itself spent ${every.storeCpuUs.toFixed(1)} µs/req on ${every.storeCalls?.toFixed(2)} checks/req, not counted in the target`
      out.push(judgeWithNoise(none, every, 30, over <= 30, `${title}: Redis on every request adds ${over.toFixed(1)} µs of app CPU per request over no store (${every.cpuUs.toFixed(1)} vs ${none.cpuUs.toFixed(1)}; target ≤ 30 µs)${redisText}`))
    }
    const interval = rows['ours-redis-30s']
    if (interval !== undefined) {
      const over = (interval.cpuUs - none.cpuUs) / none.cpuUs
      const calls = interval.storeCalls === undefined ? '' : `, ${interval.storeCalls.toFixed(3)} Redis checks/req`
      const text = `${title}: Redis at most every 30 s costs ${(over * 100).toFixed(1)}% app CPU over no store (${interval.cpuUs.toFixed(1)} vs ${none.cpuUs.toFixed(1)} µs/req${calls}; target ≤ 10%)`
      if (key.startsWith('cycled-')) {
        out.push({ ok: null, text: `${text} — not judged here: a cycled client replays the minted tokens, which carry no check time, so every request is checked whatever the interval; the browser-like scenarios send back the time of the last check` })
      } else out.push(judgeWithNoise(none, interval, 0.1 * none.cpuUs, over <= 0.1, text))
    }
  }
  return out
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
  // Encrypted mode vs @hono/session (the same primitive through jose): a difference smaller than the
  // noise between repetitions (max − min of either row's server CPU) is reported as inconclusive.
  for (const key of Object.keys(result.scenarios).filter((k) => result.scenarios[k]!['ours-encrypted'] !== undefined || result.scenarios[k]!['hono-session'] !== undefined)) {
    const at = out.length
    judge(
      key,
      ['ours-encrypted', 'hono-session'],
      (r) => r['ours-encrypted']!.cpuUs <= r['hono-session']!.cpuUs,
      (r) => `${scenarioTitle(key)}: encrypted tokens cost ${r['ours-encrypted']!.cpuUs.toFixed(1)} µs of server CPU per request vs ${label('hono-session')}'s ${r['hono-session']!.cpuUs.toFixed(1)} (target ≤)`,
      `${scenarioTitle(key)}, encrypted vs ${label('hono-session')}`,
    )
    const rows = result.scenarios[key]!
    const ours = rows['ours-encrypted']
    const peer = rows['hono-session']
    const judged = out[at]
    if (ours === undefined || peer === undefined || judged === undefined || judged.ok === null) continue
    const spreads = [spread(ours), spread(peer)]
    if (spreads.some((x) => x === undefined)) continue
    const noise = Math.max(spreads[0]! * ours.cpuUs, spreads[1]! * peer.cpuUs)
    judged.text += `; noise between repetitions (max − min) up to ${noise.toFixed(1)} µs`
    if (Math.abs(ours.cpuUs - peer.cpuUs) <= noise) {
      judged.ok = null
      judged.text += ' — inconclusive: the difference is within the noise'
    }
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
    // Judged with the cache sized to the users (ours-sized): the default 5,000 holds 5% of them.
    const browser = Object.keys(result.scenarios).find((k) => k.startsWith('browser-') && result.scenarios[k]!.jose !== undefined) ?? 'browser-100000'
    judge(
      browser,
      ['ours-sized', 'jose'],
      (r) => r['ours-sized']!.extraUs <= 0.6 * r.jose!.extraUs,
      (r) =>
        `browser-like: extra CPU ${r['ours-sized']!.extraUs.toFixed(1)} µs with ${label('ours-sized').replace('this project, ', '')} vs the jose middleware's ${r.jose!.extraUs.toFixed(1)} µs = ${(r['ours-sized']!.extraUs / r.jose!.extraUs).toFixed(2)}× (target ≤ 0.6×)`,
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
  // The heap after a full GC where the runtime gives one (RSS also moves with the allocator's whims).
  const heldMb = c.heapOnMb !== null && c.heapOffMb !== null ? c.heapOnMb - c.heapOffMb : c.onMb - c.offMb
  const measure = c.heapOnMb !== null && c.heapOffMb !== null ? `JS heap after a full GC ${c.heapOnMb!.toFixed(1)} vs ${c.heapOffMb!.toFixed(1)} MB (RSS ${c.onMb.toFixed(1)} vs ${c.offMb.toFixed(1)} MB)` : `RSS ${c.onMb.toFixed(1)} vs ${c.offMb.toFixed(1)} MB (this runtime gives the Worker no GC or heap figure)`
  const per10k = (heldMb * 10_000) / c.users
  return [
    `- Token cache memory: fresh servers after the same ${n(c.requests)} browser-like requests from ${n(c.users)} users, two each, so the cache holds one token per session (each user's second; medians of ${c.pairs} pair(s)), with tokenCacheSize ${n(c.cacheSize)} and 0: ${measure}, **${per10k.toFixed(1)} MB per 10,000 active sessions**. The cache holds at most tokenCacheSize tokens (plus those issued in the latest second), so about ${(per10k / 2).toFixed(1)} MB at the default 5,000.`,
    `- Bounded: RSS ${m.bounded.earlyMb.toFixed(1)} MB after ${n(m.bounded.earlyRequests)} requests, ${m.bounded.endMb.toFixed(1)} MB after ${n(m.bounded.requests)} (${n(m.bounded.sessions)} sessions cycled).`,
  ]
}

function runtimeSection(report: Report, result: RuntimeResult, heading: string): string[] {
  const lines = [`${heading} ${RUNTIME_TITLES[result.runtime] ?? result.runtime}`, '']
  if (result.failed) return [...lines, `Not run: ${result.failed}`, '']
  const note = result.servers.ours?.note
  if (note) lines.push(`Load sent ${note}.`, '')
  // A scenario run for the revocation table alone gets no comparison table.
  const compared = (key: string) => Object.keys(result.scenarios[key]!).some((name) => name !== 'bare' && name !== 'ours' && (report.tables?.peers ?? report.options.variants).includes(name))
  for (const key of Object.keys(result.scenarios).filter(compared)) lines.push(`**${scenarioTitle(key)}**`, '', ...table(report, result, key), '')
  const mem = memoryLines(result)
  if (mem.length > 0) lines.push('Memory (this project):', '', ...mem, '')
  const judged = (t: Target) => `- ${t.ok === null ? 'not judged' : t.ok ? 'met' : '**MISSED**'}: ${t.text}`
  const t = targets(result, report.labels)
  if (t.length > 0) lines.push('Targets:', '', ...t.map(judged), '')
  const revocation = report.tables?.revocation ?? []
  const withRows = Object.keys(result.scenarios).filter((key) => revocation.some((name) => name !== 'ours' && result.scenarios[key]![name] !== undefined))
  if (withRows.length > 0) {
    lines.push(`${heading}# What revocation costs on ${RUNTIME_TITLES[result.runtime] ?? result.runtime}`, '')
    for (const key of withRows) lines.push(`**${scenarioTitle(key)}**`, '', ...revocationTable(report, result, key), '')
    const rt = revocationTargets(result)
    if (rt.length > 0) lines.push('Targets (issue #12):', '', ...rt.map(judged), '')
  }
  return lines
}

export function printTables(report: Report, log: (line: string) => void): void {
  log('')
  for (const result of Object.values(report.results)) for (const line of runtimeSection(report, result, '##')) log(line)
  log(`Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`)
}

/** Where a request's CPU goes, and what the token cache can and cannot save: the key to the tables. */
const WHAT_IT_COSTS = [
  '## What a request costs, and what the token cache saves',
  '',
  'Every implementation here verifies the cookie and reissues it with a fresh expiry on every request, so with nothing remembered each request is one HMAC verification and one HMAC signature (two WebCrypto calls through jose), and for the encrypted rows one AES-GCM decryption and one encryption. This project keeps jose on that path for every token it has not seen, and adds a token cache with these rules (`src/session/token/cache.ts`):',
  '',
  '- A token is known only by its exact text, and only once its signature was checked here or this process made it. A hit skips the signature check, never the claim checks (times, audience, session id), and parses the payload afresh.',
  '- The same payload reissued within the same second (its `iat`) gets the token already made, without signing: the parallel requests of one page cost one signature.',
  '- Only a token likely to come back is kept: one verified a second time, or one issued to a session that was issued a token here before (its browser is coming back with it). First sightings are recorded in fixed tables that allocate nothing, so sessions seen too rarely to ever hit cost what no cache would.',
  '- Bounded: the last `tokenCacheSize` tokens (5,000 by default), the oldest quarter dropped at a time; a hit does not keep a token longer, since the request reissues the session and the new token is what comes back.',
  '',
  'So the cache saves the verification of a returning session, not the signature of its fresh expiry: a hit still signs once per second per session. That is why the cycled scenario with 100,000 distinct sessions is at parity with the straightforward jose middleware at best (nothing comes back, both do the same two calls), and why in the browser-like scenario the best a cache can do is about half the cryptography. Not reissuing on every request (`refreshEachRequest: false`) is what removes the signature; the tables keep the reissue so that every implementation does the same work.',
  '',
  'Whether a cache large enough to hold every active user pays depends on the runtime and the traffic: its hits save a verification each, but it keeps every active user\'s token in the JavaScript heap, which the garbage collector walks, and a user it fails to hold (one who comes back after more than three quarters of its size in other sessions) is verified in full anyway. The browser-like tables show its hit rate and its CPU side by side with the default size.',
  '',
]

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
    `This project's main row is the library's middleware on a minimal Hono app serving that one route, as every peer's server is, configured exactly as the demo configures it (its \`loadConfig\` of the same environment: audience, cookie, the default token cache of 5,000). The whole demo shop serving the same route (its secure headers, CSRF check, routing, login throttle, error pages) is a row of its own, so what the demo adds is seen apart from the library. The row with \`tokenCacheSize\` ${n(SIZED_CACHE)} runs only in the browser-like scenario: it shows what the token cache does when it holds every active user.`,
    '',
    'Every peer is a stateless cookie, so in the comparison tables this project is stateless too: the app runs with `SESSION_REVOCATION=false` (its default keeps revocations in process and asks that store about every session on every request), and its encrypted mode (`SESSION_ENCRYPT=true`) likewise. Before anything is measured, each of its variants is checked to do what it says: a reissued signed token carries a revocation stamp exactly when a store is asked.',
    '',
    `What revocation costs is a table of its own per runtime: the same app with no store (the row above), the in-process store (the app's default), Redis asked on every request (\`REDIS_URL\`) and Redis asked at most every 30 s per session (\`SESSION_REVOCATION_CHECK_INTERVAL=30\`), the Redis rows on Bun (its \`RedisClient\`) and Node (node-redis), made as the app's entries make them. The bench starts one real redis-server on a free loopback port, without persistence, for the whole run. App CPU is the app process's, as above; the redis-server process's CPU per request (from \`/proc\`) is a column of its own, since Redis's work is a real cost too, and Redis checks per request are counted by Redis (\`INFO commandstats\`, EVALSHA/EVAL calls). All rows start from the same cookies, minted without revocation: such a token carries no check stamp and is accepted by any store. In the cycled scenario the client sends those minted tokens back again and again, so every request is checked whatever the interval; in the browser-like ones each user sends back the token it was last given, which carries the time of its last check, as a browser does. The interval saves checks only for a session that comes back within it: with ${n(o.browserUsers)} users each is seen about once per repetition (and repetitions are minutes apart), so nearly every request is checked anyway; hence a browser-like scenario of ${n(o.revocationBrowserUsers ?? 0)} users run for this table alone (with the ceiling and no store), where each user comes back within seconds, as an active user does. The spread column is (max − min) / median of the repetitions' app CPU: the noise a difference must exceed.`,
    '',
  ]
  lines.push(...WHAT_IT_COSTS)
  for (const result of Object.values(report.results)) lines.push(...runtimeSection(report, result, '##'))
  lines.push('## Reproduce', '', '```sh', 'apt-get install -y wrk', 'bun install --frozen-lockfile', report.command, '```', '')
  return lines.join('\n')
}
