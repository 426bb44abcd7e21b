// Soak: the real server over HTTP on loopback, many virtual users each with its own cookie jar doing
// what users do, hostile cookies mixed in, and a restart with a new secret (the old one as fallback)
// part way through. `bun run soak` runs 5 minutes; `--duration=S --users=N` for other sizes.
// `bun run soak --cluster` runs the cluster soak instead (cluster-soak.ts).
import { RedisServer } from '../test/support/redis-server.ts'
import { BUN_ENTRY, startServer, type RunningServer } from '../test/support/server.ts'
import { formatClusterReport, machine, runClusterSoak } from './cluster-soak.ts'
import { PRICES, PRODUCTS, random, rssMb } from './soak-shared.ts'

const OLD_SECRET = 'soak-old-secret-0123456789-abcdefghijklm'
const NEW_SECRET = 'soak-new-secret-0123456789-abcdefghijklm'

export interface SoakOptions {
  durationSeconds: number
  users: number
  /** Seed for the users' choices, so a run can be replayed. */
  seed?: number
  log?: (line: string) => void
}

export interface SoakReport {
  seconds: number
  requests: number
  /** Requests answered with a status the step did not expect (5xx excluded). */
  unexpected: number
  serverErrors: number
  /** Logins the server asked to retry later (429 throttled, 503 busy), each with Retry-After, which the user then waits. */
  loginsDeferred: number
  /** Users whose session (login or cart) was gone right after the restart with the new secret. */
  lostAcrossRotation: number
  /** Answers that showed a session that was not this user's (another cart). */
  crossTalk: number
  rssMb: { start: number; beforeRotation: number; afterRotation: number; end: number }
  latencyMs: { p50: number; p99: number }
  samples: string[]
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {})
  const rand = random(options.seed ?? Date.now())
  // Revocations in a persistent Redis, as a deployment that restarts keeps them: the in-process store
  // would log everyone out at the restart, by design.
  const redis = await RedisServer.start({ persistent: true })
  const env = { NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'false', DEMO_USER: 'true', REDIS_URL: redis.url }
  let server: RunningServer = await startServer(['bun', BUN_ENTRY], { ...env, SESSION_SECRET: OLD_SECRET })
  const report: SoakReport = {
    seconds: 0,
    requests: 0,
    unexpected: 0,
    serverErrors: 0,
    loginsDeferred: 0,
    lostAcrossRotation: 0,
    crossTalk: 0,
    rssMb: { start: 0, beforeRotation: 0, afterRotation: 0, end: 0 },
    latencyMs: { p50: 0, p99: 0 },
    samples: [],
  }
  const latencies: number[] = []
  const problem = (kind: 'unexpected' | 'serverErrors' | 'crossTalk', text: string) => {
    report[kind]++
    if (report.samples.length < 20) report.samples.push(`${kind}: ${text}`)
  }

  class User {
    cookie: string | undefined
    cart = new Map<string, number>()
    loggedIn = false
    /** When the server last said "retry later" to a login, the time it named (performance.now()). */
    retryLoginAt = 0
    constructor(readonly id: number) {}

    async request(path: string, init: RequestInit & { expect: number[] }, cookie = this.cookie): Promise<Response> {
      const headers = new Headers(init.headers)
      if (cookie !== undefined) headers.set('Cookie', `session=${cookie}`)
      const started = performance.now()
      const res = await fetch(server.url + path, { ...init, headers, redirect: 'manual' })
      await res.clone().arrayBuffer()
      latencies.push(performance.now() - started)
      report.requests++
      if (res.status >= 500 && !init.expect.includes(res.status)) problem('serverErrors', `user ${this.id} ${init.method ?? 'GET'} ${path} → ${res.status}`)
      else if (!init.expect.includes(res.status)) problem('unexpected', `user ${this.id} ${init.method ?? 'GET'} ${path} → ${res.status}`)
      if (cookie === this.cookie) {
        const set = res.headers.getSetCookie().filter((c) => c.startsWith('session=')).at(-1)
        if (set !== undefined) this.cookie = /Max-Age=0/.test(set) ? undefined : set.slice('session='.length).split(';')[0]
      }
      return res
    }

    modelCart(): string {
      return JSON.stringify([...this.cart].map(([productId, quantity]) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId)))
    }

    /** Whether the server's view of this user's session matches what this user did. */
    async matches(): Promise<{ cart: boolean; login: boolean }> {
      const cart = (await (await this.request('/api/cart', { expect: [200] })).json()) as { items: { productId: string; quantity: number }[] }
      const seen = JSON.stringify(cart.items.map(({ productId, quantity }) => ({ productId, quantity })).sort((a, b) => a.productId.localeCompare(b.productId)))
      const me = await this.request('/api/me', { expect: [200, 401] })
      return { cart: seen === this.modelCart(), login: (me.status === 200) === this.loggedIn }
    }

    async step(): Promise<void> {
      const r = rand()
      const json = { 'Content-Type': 'application/json' }
      if (r < 0.3) {
        const productId = PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!
        const quantity = 1 + Math.floor(rand() * 3)
        if ((this.cart.get(productId) ?? 0) + quantity > 99) return
        await this.request('/api/cart/items', { method: 'POST', headers: json, body: JSON.stringify({ productId, quantity }), expect: [200] })
        this.cart.set(productId, (this.cart.get(productId) ?? 0) + quantity)
      } else if (r < 0.5) {
        const state = await this.matches()
        if (!state.cart || !state.login) problem('crossTalk', `user ${this.id} sees a session that is not its own (cart ${state.cart}, login ${state.login})`)
      } else if (r < 0.6) {
        // The tutorial's routes; they touch only "username", which login also sets.
        await this.request('/test/session/check', { expect: [200] })
        await this.request('/test/session/set', { expect: [200] })
        await this.request('/test/session/pop', { expect: [200] })
      } else if (r < 0.66) {
        if (this.loggedIn || performance.now() < this.retryLoginAt) return
        // Every user logs in to the one demo account from one address, often at the same moment: the
        // login throttle and the cap on password checks may answer 429 or 503 with Retry-After, which a
        // polite client waits out.
        const res = await this.request('/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'password' }), expect: [303, 429, 503] })
        if (res.status === 429 || res.status === 503) {
          report.loginsDeferred++
          this.retryLoginAt = performance.now() + 1000 * Number(res.headers.get('Retry-After'))
          if (!(Number(res.headers.get('Retry-After')) >= 1)) problem('unexpected', `user ${this.id} POST /login → ${res.status} without Retry-After`)
          return
        }
        if (res.status === 303) this.loggedIn = true
        await this.request('/', { expect: [200] }) // shows (and removes) the flash
      } else if (r < 0.72) {
        const res = await this.request('/api/cart/checkout', { method: 'POST', expect: this.loggedIn ? (this.cart.size ? [200] : [409]) : [401] })
        if (res.status === 200) {
          const { order } = (await res.json()) as { order: { total: number } }
          const total = [...this.cart].reduce((sum, [id, q]) => sum + PRICES[id]! * q, 0)
          if (order.total !== total) problem('crossTalk', `user ${this.id}: order total ${order.total}, its cart was ${total}`)
          this.cart.clear()
        }
      } else if (r < 0.76) {
        await this.request('/logout', { method: 'POST', expect: [303] })
        await this.request('/', { expect: [200] })
        this.loggedIn = false
        this.cart.clear()
      } else if (r < 0.86) {
        // A hostile cookie: a mangled copy of this user's own token, or junk. Never accepted, never a 5xx.
        const own = this.cookie ?? 'x'
        const hostile = [own.slice(0, -3) + 'AAA', own.split('.').reverse().join('.'), 'eyJhbGciOiJub25lIn0.e30.', '%00%ff', 'A'.repeat(5000)][Math.floor(rand() * 5)]!
        const res = await this.request('/api/me', { expect: [401] }, hostile)
        await res.arrayBuffer()
      } else {
        await this.request(rand() < 0.5 ? '/products' : '/cart', { expect: [200] })
      }
    }
  }

  const users = Array.from({ length: options.users }, (_, i) => new User(i))
  const started = performance.now()
  const deadline = started + options.durationSeconds * 1000
  const rotateAt = started + (options.durationSeconds * 1000) / 2
  let rotated = false
  let paused: Promise<void> | undefined
  let inFlight = 0

  const loop = async (user: User) => {
    while (performance.now() < deadline) {
      if (paused) await paused
      inFlight++
      try {
        await user.step()
      } catch (error) {
        problem('unexpected', `user ${user.id}: ${String(error)}`)
      } finally {
        inFlight--
      }
    }
  }

  const rotation = (async () => {
    await Bun.sleep(Math.min(5000, (options.durationSeconds * 1000) / 10))
    report.rssMb.start = rssMb(server.pid)
    log(`RSS after warm-up: ${report.rssMb.start.toFixed(1)} MB`)
    await Bun.sleep(Math.max(0, rotateAt - performance.now()))
    let resume!: () => void
    paused = new Promise((r) => (resume = r))
    while (inFlight > 0) await Bun.sleep(5)
    report.rssMb.beforeRotation = rssMb(server.pid)
    await server.stop()
    server = await startServer(['bun', BUN_ENTRY], { ...env, SESSION_SECRET: NEW_SECRET, SESSION_SECRET_FALLBACKS: OLD_SECRET })
    log(`restarted with a new secret after ${report.requests} requests`)
    for (const user of users) {
      const state = await user.matches()
      if (!state.cart || !state.login) report.lostAcrossRotation++
    }
    report.rssMb.afterRotation = rssMb(server.pid)
    rotated = true
    paused = undefined
    resume()
  })()

  await Promise.all([...users.map(loop), rotation])
  report.rssMb.end = rssMb(server.pid)
  await server.stop()
  await redis[Symbol.asyncDispose]()
  if (!rotated) throw new Error('the run ended before the rotation')
  report.seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  report.latencyMs = { p50: latencies[Math.floor(latencies.length * 0.5)]!, p99: latencies[Math.floor(latencies.length * 0.99)]! }
  return report
}

export function formatReport(r: SoakReport): string {
  return [
    `| figure | value |`,
    `|---|---:|`,
    `| duration | ${r.seconds.toFixed(0)} s |`,
    `| requests | ${r.requests.toLocaleString('en')} (${(r.requests / r.seconds).toFixed(0)}/s) |`,
    `| unexpected statuses | ${r.unexpected} |`,
    `| 5xx | ${r.serverErrors} |`,
    `| logins deferred (429 or 503 with Retry-After) | ${r.loginsDeferred} |`,
    `| sessions lost across the secret rotation | ${r.lostAcrossRotation} |`,
    `| cross-talk between users | ${r.crossTalk} |`,
    `| RSS after warm-up → before restart | ${r.rssMb.start.toFixed(1)} → ${r.rssMb.beforeRotation.toFixed(1)} MB |`,
    `| RSS after restart → end | ${r.rssMb.afterRotation.toFixed(1)} → ${r.rssMb.end.toFixed(1)} MB |`,
    `| latency p50 / p99 | ${r.latencyMs.p50.toFixed(2)} / ${r.latencyMs.p99.toFixed(2)} ms |`,
    ...r.samples.map((s) => `\n${s}`),
  ].join('\n')
}

if (import.meta.main) {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback)
  const seed = arg('seed', Date.now() % 1_000_000)
  const options = { durationSeconds: arg('duration', 300), users: arg('users', 50), seed, log: console.log }
  if (process.argv.includes('--cluster')) {
    console.log(`Cluster soak: 3 instances behind HAProxy, one persistent Redis; ${options.users} users for ${options.durationSeconds} s, seed ${seed}`)
    console.log(machine())
    const report = await runClusterSoak(options)
    console.log(formatClusterReport(report))
    process.exit(report.ok ? 0 : 1)
  }
  console.log(`Soak: ${options.users} users for ${options.durationSeconds} s, seed ${seed}`)
  const report = await runSoak(options)
  console.log(formatReport(report))
  const ok = report.unexpected === 0 && report.serverErrors === 0 && report.lostAcrossRotation === 0 && report.crossTalk === 0
  process.exit(ok ? 0 : 1)
}
