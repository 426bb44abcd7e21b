// Cluster soak: three instances of the Bun entry behind HAProxy (round robin), sharing one persistent
// Redis. Virtual users, each with its own cookies, do what users do through the balancer (tutorial
// routes, cart, login, checkout, logout, "log out on all devices", hostile cookies); every cookie a
// logout ended is replayed afterwards, as an attacker who copied it would. Mid-run one instance is
// killed (SIGKILL) and started again; later Redis is killed (SIGKILL) and restarted, with its data.
// `bun run soak --cluster` runs 5 minutes; `--duration=S --users=N --seed=N` for other runs.
//
// What is counted, and what "after" means:
// - A session is lost when the server ends it (its cookie refused: deleted, or replaced by a new
//   session) without a logout that explains it: the user's own, or, for a logged-in session, another
//   device's "log out everywhere" (all users share the demo account) whose cut-off may cover it.
// - A revoked session is served when a request sent after the logout's response arrived (a copied
//   cookie, or a session a completed "everywhere" certainly covers) is accepted: the server reissues
//   its token. A request already in flight when the logout completed may be served (documented), and
//   so may a token confirmed within the 60 s outage grace by an instance that cannot ask Redis at the
//   time (Redis down, or a call of its own that failed or timed out): counted apart. A prober asks
//   each instance 20 times a second whether it can ask Redis.
// - 5xx: the documented ones are counted apart: 503 while Redis cannot be asked (with Retry-After),
//   503 from the login's cap on password checks (with Retry-After). A request cut off by the kill
//   (which HAProxy could not send to another instance) is counted apart too. Any other is an error.
import { cpus } from 'node:os'
import { decodeJwt } from 'jose'
import { sessionCookie } from 'hono-jwt-session/testing'
import { SESSION_AUDIENCE } from '../src/app/app.ts'
import { REDIS_PREFIX } from '../src/app/boot.ts'
import { Cluster } from '../test/support/cluster.ts'
import { PRICES, PRODUCTS, random, rssMb } from './soak-shared.ts'

const SECRET = 'cluster-soak-secret-0123456789-abcdefghij'
/** The app's outage grace: the library's default `outageGrace`, seconds. */
const OUTAGE_GRACE = 60
/** After a failed call the middleware leaves the store alone this long (and a little more), ms. */
const BREAKER_MS = 2_100
const STORE_DOWN = /cannot be checked right now/
const LOGIN_BUSY = /busy checking other logins/
const JSON_HEADERS = { 'Content-Type': 'application/json' }
/** The instance killed mid-run. */
const VICTIM = 1

export interface ClusterSoakOptions {
  durationSeconds: number
  users: number
  /** Seed for the users' choices, so a run can be replayed. */
  seed?: number
  log?: (line: string) => void
}

export interface ClusterSoakReport {
  /** Every zero that must be zero is. */
  ok: boolean
  seconds: number
  requests: number
  /** Statuses a step did not expect (5xx aside). */
  unexpected: number
  /** 5xx other than the documented ones below. */
  serverErrors: number
  /** 503 while Redis could not be asked (documented), by Retry-After; those without one are errors. */
  storeUnavailable: { count: number; byRetryAfter: Record<string, number>; withoutRetryAfter: number }
  /** Logins refused for now (429 throttled, 503 busy), each with Retry-After, which the user waits. */
  loginsDeferred: number
  /** Requests in flight on the killed instance that HAProxy could not send elsewhere (502, or the connection closed). */
  cutOffByKill: number
  logins: number
  logouts: number
  everywheres: number
  /** Sessions the server ended without a logout that explains it. */
  lostSessions: number
  /** Logged-in sessions ended by another device's "log out everywhere" (one shared account). */
  endedByEverywhere: number
  /** Sessions ended after their login or logout was cut off by the kill (its outcome unknown). */
  endedAfterCutOff: number
  /** Revoked sessions presented after their logout completed: copies, and sessions an "everywhere" certainly covered. */
  replays: number
  /** ...and accepted. */
  revokedServed: number
  /** ...accepted by an instance that could not ask Redis then, on a token confirmed within the outage grace (documented). */
  revokedServedInGrace: number
  hostile: number
  crossTalk: number
  /** Cookies the instances refused, by the reason they logged. */
  refusals: Record<string, number>
  /** Per instance: after warm-up → at the end (the killed one: before the kill, then its new process). */
  rssMb: { instance: string; start: number; end: number; beforeKill?: number; afterRestart?: number }[]
  latencyMs: { p50: number; p99: number }
  /** The faults, in seconds from the start. */
  timeline: string[]
  samples: string[]
}

interface TokenState {
  sid: string
  /** When the session started, seconds. */
  start: number
  subject: string | undefined
  /** The cart as a canonical string. */
  cart: string
  username: boolean
  /** When the store last confirmed it, seconds. */
  checked: number | undefined
}

type Lines = { productId: string; quantity: number }[]

/** What a user's step knew before its request: the login of its session. */
interface Context {
  login: { sent: number; done: number } | undefined
}

const canonical = (lines: Lines): string => JSON.stringify(lines.map(({ productId, quantity }) => [productId, quantity]).sort())

/** What a session token says (the demo's tokens are signed, not encrypted): read, not verified. */
function stateOf(token: string | undefined): TokenState | undefined {
  if (token === undefined) return undefined
  const claims = decodeJwt(token) as { sid: string; start: number; sub?: string; checked?: number; data?: { cart?: Lines; username?: string } }
  return { sid: claims.sid, start: claims.start, subject: claims.sub, cart: canonical(claims.data?.cart ?? []), username: claims.data?.username !== undefined, checked: claims.checked }
}

/** The session cookie a response sets: a token, null when it deletes it, undefined when it leaves it alone. */
function setSession(res: Response): string | null | undefined {
  const line = res.headers.getSetCookie().filter((c) => c.startsWith('session=')).at(-1)
  if (line === undefined) return undefined
  return /Max-Age=0/i.test(line) ? null : line.slice('session='.length).split(';')[0]!
}

interface Sent {
  res: Response | undefined
  body: string
  error: unknown
  sentAt: number
  doneAt: number
  /** The instance that answered (X-Served-By), -1 if none. */
  by: number
}

/** A request's outcome, once the documented refusals are told apart. */
type Kind = 'ok' | 'store-down' | 'login-busy' | 'cut-off' | 'error'

interface Everywhere {
  sent: number
  /** When its answer arrived; undefined while in flight. */
  done: number | undefined
  /** Refused (503): it changed nothing in Redis, so it explains nothing. */
  failed: boolean
  /** The instance that answered. */
  by: number
}

interface Revoked {
  tokens: string[]
  sid: string
  /** When the logout (or the "everywhere" covering it) completed. */
  at: number
}

export function machine(): string {
  const version = (command: string[]) => new TextDecoder().decode(Bun.spawnSync(command).stdout).split('\n')[0]!.trim()
  return `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); Bun ${Bun.version}; ${version(['redis-server', '--version']).split(' ').slice(0, 3).join(' ')}; ${version(['haproxy', '-v']).split(' ').slice(0, 3).join(' ')}`
}

export async function runClusterSoak(options: ClusterSoakOptions): Promise<ClusterSoakReport> {
  const log = options.log ?? (() => {})
  const rand = random(options.seed ?? Date.now())
  const report: ClusterSoakReport = {
    ok: false,
    seconds: 0,
    requests: 0,
    unexpected: 0,
    serverErrors: 0,
    storeUnavailable: { count: 0, byRetryAfter: {}, withoutRetryAfter: 0 },
    loginsDeferred: 0,
    cutOffByKill: 0,
    logins: 0,
    logouts: 0,
    everywheres: 0,
    lostSessions: 0,
    endedByEverywhere: 0,
    endedAfterCutOff: 0,
    replays: 0,
    revokedServed: 0,
    revokedServedInGrace: 0,
    hostile: 0,
    crossTalk: 0,
    refusals: {},
    rssMb: [],
    latencyMs: { p50: 0, p99: 0 },
    timeline: [],
    samples: [],
  }
  type Problem = 'unexpected' | 'serverErrors' | 'lostSessions' | 'revokedServed' | 'crossTalk'
  const problem = (kind: Problem, text: string) => {
    report[kind]++
    if (report.samples.length < 30) report.samples.push(`${kind}: ${text}`)
  }

  const cluster = await Cluster.start({ secret: SECRET })
  const started = performance.now()
  const clockAt = (ms: number) => `${((ms - started) / 1000).toFixed(1)} s`
  const durationMs = options.durationSeconds * 1000
  const deadline = started + durationMs
  const latencies: number[] = []
  /** From the SIGKILL to the instance's end (performance.now()), for the requests it cut off. */
  const kill = { from: Infinity, to: Infinity }
  /** While Redis is down, and until every instance uses it again. */
  const outage = { from: Infinity, to: Infinity }
  const everywheres: Everywhere[] = []
  /** Sessions ended by completed logouts, for the attackers. */
  const revoked: Revoked[] = []
  // performance.now() and the servers' clock (Date.now(), whole seconds in tokens) side by side.
  const epochMs = (ms: number) => performance.timeOrigin + ms
  const second = (ms: number) => Math.floor(epochMs(ms) / 1000)

  async function send(path: string, init: RequestInit, cookie: string | undefined): Promise<Sent> {
    const headers = new Headers(init.headers)
    if (cookie !== undefined) headers.set('Cookie', `session=${cookie}`)
    const sentAt = performance.now()
    try {
      const res = await cluster.balancer.request(path, { ...init, headers })
      const body = await res.text()
      const doneAt = performance.now()
      latencies.push(doneAt - sentAt)
      report.requests++
      return { res, body, error: undefined, sentAt, doneAt, by: Cluster.servedBy(res) }
    } catch (error) {
      report.requests++
      return { res: undefined, body: '', error, sentAt, doneAt: performance.now(), by: -1 }
    }
  }

  /** Tells the documented refusals from errors, and counts them. */
  function kindOf(sent: Sent, method: string, path: string, who: string): Kind {
    const { res } = sent
    const cutByKill = sent.sentAt <= kill.to && sent.doneAt >= kill.from
    if (res === undefined) {
      if (cutByKill) return (report.cutOffByKill++, 'cut-off')
      problem('unexpected', `${who} ${method} ${path} at ${clockAt(sent.sentAt)} → ${clockAt(sent.doneAt)}: ${String(sent.error)}`)
      return 'error'
    }
    if (res.status === 503 && STORE_DOWN.test(sent.body)) {
      report.storeUnavailable.count++
      const retryAfter = res.headers.get('Retry-After')
      if (retryAfter === null || !(Number(retryAfter) >= 1)) {
        report.storeUnavailable.withoutRetryAfter++
        problem('serverErrors', `${who} ${method} ${path} → 503 without Retry-After (app${sent.by})`)
      } else {
        report.storeUnavailable.byRetryAfter[retryAfter] = (report.storeUnavailable.byRetryAfter[retryAfter] ?? 0) + 1
      }
      return 'store-down'
    }
    if (res.status === 503 && path === '/login' && LOGIN_BUSY.test(sent.body) && Number(res.headers.get('Retry-After')) >= 1) return 'login-busy'
    if (res.status === 502 && sent.by === VICTIM && cutByKill) return (report.cutOffByKill++, 'cut-off')
    if (res.status >= 500) {
      problem('serverErrors', `${who} ${method} ${path} → ${res.status} from app${sent.by} at ${clockAt(sent.sentAt)}: ${sent.body.slice(0, 120)}`)
      return 'error'
    }
    return 'ok'
  }

  /** Whether an "everywhere" sent before `at` may have a cut-off at or after the start of a session logged in by `login`. */
  const mayBeCoveredByEverywhere = (login: { sent: number } | undefined, at: number) =>
    login !== undefined && everywheres.some((e) => !e.failed && e.sent < at && second(login.sent) <= second(e.done ?? at))

  /** Each time (performance.now()) an instance answered the probe 503: it could not ask Redis then. */
  const storeFailing: { by: number; at: number }[] = []
  /**
   * Whether the instance that answered may have served this request without Redis: Redis was down, or
   * the instance could not ask it around then (a failed or timed-out call keeps it from asking for 2 s).
   */
  const withoutRedis = (sent: Sent) =>
    (sent.doneAt >= outage.from && sent.sentAt <= outage.to) ||
    storeFailing.some((f) => f.by === sent.by && f.at >= sent.sentAt - BREAKER_MS && f.at <= sent.doneAt + BREAKER_MS)
  /** Whether Redis itself refuses this session: its id revoked, or its subject cut off at or after its start. */
  const redisRefuses = (state: TokenState): boolean => {
    if (cluster.redis.cli('EXISTS', `${REDIS_PREFIX}sid:${state.sid}`) === '1') return true
    const cutoff = state.subject === undefined ? '' : cluster.redis.cli('GET', `${REDIS_PREFIX}sub:${state.subject}`)
    return cutoff !== '' && state.start <= Number(cutoff)
  }

  /**
   * A revoked session's token was accepted (reissued): documented during the outage, within the grace;
   * an error otherwise.
   */
  function servedRevoked(token: string, sent: Sent, what: string, context: string): void {
    const state = stateOf(token)!
    if (withoutRedis(sent) && state.checked !== undefined && second(sent.doneAt) - state.checked <= OUTAGE_GRACE) {
      report.revokedServedInGrace++
      return
    }
    const inRedis = redisRefuses(state)
    problem('revokedServed', `${what} accepted by app${sent.by} at ${clockAt(sent.sentAt)} (Redis ${inRedis ? 'refuses' : 'does not refuse'} it)${context}`)
  }

  /** Replays a revoked session's token, sent now (after its revocation completed): it must be refused. */
  async function replay(entry: Revoked, who: string, context = ''): Promise<void> {
    const token = entry.tokens[Math.floor(rand() * entry.tokens.length)]!
    const sent = await send('/api/me', {}, token)
    if (kindOf(sent, 'GET', '/api/me', who) !== 'ok') return
    report.replays++
    const set = setSession(sent.res!)
    if (set !== undefined && set !== null && stateOf(set)?.sid === entry.sid) {
      servedRevoked(token, sent, `${who}: a copy of session ${entry.sid.slice(0, 8)} revoked at ${clockAt(entry.at)}`, context)
    } else if (set !== null) problem('unexpected', `${who}: a revoked copy answered ${sent.res!.status} without deleting the cookie`)
  }

  class User {
    cookie: string | undefined
    /** Every token of the current session seen so far (the first and the latest few). */
    tokens: string[] = []
    cart = new Map<string, number>()
    loggedIn = false
    username = false
    /** When the current session's login was sent and answered. */
    login: { sent: number; done: number } | undefined
    /** The current session, certainly ended by an "everywhere" completed at `at`. */
    covered: { sid: string; at: number } | undefined
    /** A login or logout of this session cut off by the kill: its outcome is unknown. */
    uncertain = false
    /** performance.now() until which the server asked this user to wait (Retry-After). */
    waitUntil = 0
    /** The last few requests, for the samples. */
    history: string[] = []
    constructor(readonly id: number) {}

    get who(): string {
      return `user ${this.id}`
    }

    /**
     * One request with this user's cookie. `identity`: what the step does to the session: keep it,
     * make a new one (login), or end it (logout). Returns the outcome; on 'ok' the cookie is updated and
     * checked against what the model says, which the step has updated through `then` first.
     */
    async call(
      path: string,
      init: RequestInit & { expect: number[]; identity: 'same' | 'new' | 'gone' },
      then: (res: Response, sent: Sent) => void | Promise<void> = () => {},
    ): Promise<{ kind: Kind; res?: Response; sent: Sent }> {
      const method = init.method ?? 'GET'
      const before = stateOf(this.cookie)
      const context = { login: this.login }
      const sentToken = this.cookie
      const sent = await send(path, init, sentToken)
      const kind = kindOf(sent, method, path, this.who)
      this.history = [...this.history.slice(-5), `${clockAt(sent.sentAt)} ${method} ${path} → ${sent.res?.status ?? 'error'} app${sent.by}`]
      if (kind === 'store-down' || kind === 'login-busy') this.waitUntil = performance.now() + 1000 * Number(sent.res!.headers.get('Retry-After'))
      if (kind === 'cut-off' && init.identity !== 'same') this.uncertain = true
      if (kind !== 'ok') return { kind, sent }
      const res = sent.res!
      const set = setSession(res)
      if (set !== undefined) this.cookie = set ?? undefined
      const after = stateOf(this.cookie)

      // A session certainly ended by a completed "everywhere", presented by a request sent after it.
      if (before !== undefined && before.sid === this.covered?.sid && sent.sentAt > this.covered.at) {
        report.replays++
        if (after?.sid === before.sid) {
          servedRevoked(sentToken!, sent, `${this.who}: its session ${before.sid.slice(0, 8)}, ended by an "everywhere" completed at ${clockAt(this.covered.at)},`, '')
        }
        this.covered = undefined
      }

      const replaced = before !== undefined && after?.sid !== before.sid
      if (replaced && init.identity === 'same') {
        // Refused: the answer is an anonymous visitor's, whatever the step expected.
        this.ended(before, context, sent, `${method} ${path}`)
        this.adopt(after)
        return { kind, res, sent }
      }
      if (!init.expect.includes(res.status)) problem('unexpected', `${this.who} ${method} ${path} → ${res.status} (app${sent.by})`)
      if (after?.sid !== before?.sid) {
        this.tokens = []
      }
      if (this.cookie !== undefined && !this.tokens.includes(this.cookie)) this.tokens = [...this.tokens.slice(0, 1), ...this.tokens.slice(1).slice(-3), this.cookie]
      await then(res, sent)
      this.check(before, context, after, replaced, sent, `${method} ${path}`)
      return { kind, res, sent }
    }

    /** The server ended this session (`before`, as it was when the step began) during a step that should have kept it. */
    ended(before: TokenState, context: Context, sent: Sent, step: string): void {
      if (this.uncertain) report.endedAfterCutOff++
      else if (before.subject !== undefined && mayBeCoveredByEverywhere(context.login, sent.doneAt)) report.endedByEverywhere++
      else {
        const what = `${before.subject !== undefined ? 'logged in' : 'anonymous'}, cart ${before.cart}`
        const inRedis = redisRefuses(before)
        problem(
          'lostSessions',
          `${this.who}: session ${before.sid.slice(0, 8)} (${what}) refused by app${sent.by} on ${step} at ${clockAt(sent.sentAt)}; Redis ${inRedis ? 'refuses' : 'does not refuse'} it. Its requests: ${this.history.join('; ')}`,
        )
      }
    }

    /** Takes the session the server holds as the truth (after an explained or counted loss). */
    adopt(state: TokenState | undefined): void {
      this.loggedIn = state?.subject !== undefined
      this.username = state?.username ?? false
      this.cart = new Map((JSON.parse(state?.cart ?? '[]') as [string, number][]).map(([id, q]) => [id, q]))
      this.tokens = this.cookie === undefined ? [] : [this.cookie]
      this.login = this.loggedIn ? this.login : undefined
      this.covered = undefined
      this.uncertain = false
    }

    /** Compares the session the server sent back with what this user did. */
    check(before: TokenState | undefined, context: Context, after: TokenState | undefined, replaced: boolean, sent: Sent, step: string): void {
      const want = { loggedIn: this.loggedIn, cart: this.modelCart(), username: this.username }
      const got = { loggedIn: after?.subject !== undefined, cart: after?.cart ?? '[]', username: after?.username ?? false }
      if (want.loggedIn === got.loggedIn && want.cart === got.cart && want.username === got.username) {
        this.uncertain = false
        return
      }
      // Less than the user had, as when a session is refused and a new one starts (a login on a
      // refused cookie keeps nothing): the session was ended. More, or another cart: someone else's.
      const emptied = (!got.loggedIn || want.loggedIn) && (got.cart === '[]' || got.cart === want.cart)
      if (before !== undefined && replaced && emptied) this.ended(before, context, sent, step)
      else problem('crossTalk', `${this.who} after ${step} (app${sent.by}): expected ${JSON.stringify(want)}, the session holds ${JSON.stringify(got)}`)
      this.adopt(after)
    }

    modelCart(): string {
      return canonical([...this.cart].map(([productId, quantity]) => ({ productId, quantity })))
    }

    /** The server's view (cart, who is logged in) against this user's. */
    async matches(): Promise<void> {
      const cart = await this.call('/api/cart', { expect: [200], identity: 'same' })
      if (cart.kind !== 'ok') return
      const items = (JSON.parse(cart.sent.body) as { items: Lines }).items
      if (canonical(items) !== this.modelCart()) problem('crossTalk', `${this.who}: /api/cart shows ${canonical(items)}, the user has ${this.modelCart()}`)
      const me = await this.call('/api/me', { expect: this.loggedIn ? [200] : [401], identity: 'same' })
      if (me.kind === 'ok' && (me.res!.status === 200) !== this.loggedIn) problem('crossTalk', `${this.who}: /api/me → ${me.res!.status}, the user is ${this.loggedIn ? '' : 'not '}logged in`)
    }

    /** Logs out (plainly or everywhere), retrying as a person would while the answer is "try again". */
    async logout(everywhere: boolean): Promise<void> {
      const form = rand() < 0.5
      const session = stateOf(this.cookie)
      const copies = [...this.tokens]
      for (let attempt = 0; attempt < 5 && performance.now() < deadline; attempt++) {
        if (this.waitUntil > performance.now()) await Bun.sleep(this.waitUntil - performance.now())
        const record: Everywhere | undefined = everywhere ? { sent: performance.now(), done: undefined, failed: false, by: -1 } : undefined
        if (record !== undefined) everywheres.push(record)
        const init = form
          ? { method: 'POST', body: new URLSearchParams(everywhere ? { everywhere: '1' } : {}) }
          : { method: 'POST', ...(everywhere ? { headers: JSON_HEADERS, body: JSON.stringify({ everywhere: true }) } : {}) }
        const result = await this.call(form ? '/logout' : '/api/logout', { ...init, expect: [form ? 303 : 204], identity: 'gone' }, () => {
          this.loggedIn = false
          this.username = false
          this.cart.clear()
        })
        if (record !== undefined) {
          record.done = result.sent.doneAt
          record.failed = result.kind === 'store-down'
          record.by = result.sent.by
        }
        if (result.kind === 'store-down' || result.kind === 'cut-off') continue
        if (result.kind !== 'ok') return
        report.logouts++
        if (everywhere) report.everywheres++
        const doneAt = result.sent.doneAt
        this.login = undefined
        this.covered = undefined
        this.tokens = []
        // Only a session that belongs to someone is revoked: a copy of an anonymous one stays anonymous.
        if (session?.subject !== undefined) {
          const entry = { tokens: copies, sid: session.sid, at: doneAt }
          revoked.push(entry)
          if (revoked.length > 1000) revoked.splice(0, 500)
          await replay(entry, `${this.who} (its own copy)`, `; the logout: ${this.history.slice(-3).join('; ')}`)
        }
        if (record !== undefined) this.coverOthers(record)
        if (form) await this.call('/', { expect: [200], identity: 'same' })
        return
      }
    }

    /** After a completed "everywhere": every other session of the account certainly started before its cut-off is ended. */
    coverOthers(record: Everywhere): void {
      for (const other of users) {
        const login = other.login
        if (other === this || !other.loggedIn || login === undefined || second(login.done) > second(record.sent)) continue
        const sid = stateOf(other.cookie)?.sid
        if (sid === undefined) continue
        other.covered = { sid, at: record.done! }
        if (other.tokens.length > 0) revoked.push({ tokens: [...other.tokens], sid, at: record.done! })
      }
    }

    async step(): Promise<void> {
      const r = rand()
      if (r < 0.25) {
        const productId = PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!
        const quantity = 1 + Math.floor(rand() * 3)
        if ((this.cart.get(productId) ?? 0) + quantity > 99) return
        const body = JSON.stringify({ productId, quantity })
        await this.call('/api/cart/items', { method: 'POST', headers: JSON_HEADERS, body, expect: [200], identity: 'same' }, () => {
          this.cart.set(productId, (this.cart.get(productId) ?? 0) + quantity)
        })
      } else if (r < 0.4) {
        await this.matches()
      } else if (r < 0.5) {
        // The tutorial's routes: set and pop touch only "username", which login also sets.
        const check = await this.call('/test/session/check', { expect: [200], identity: 'same' })
        if (check.kind === 'ok' && check.sent.body !== (this.username ? 'Logged in as user' : 'You are not logged in')) {
          problem('crossTalk', `${this.who}: /test/session/check says "${check.sent.body}"`)
        }
        if (rand() < 0.5) await this.call('/test/session/set', { expect: [200], identity: 'same' }, () => void (this.username = true))
        else {
          const empties = !this.loggedIn && this.cart.size === 0
          await this.call('/test/session/pop', { expect: [200], identity: empties ? 'gone' : 'same' }, () => void (this.username = false))
        }
      } else if (r < 0.57) {
        if (this.loggedIn || performance.now() < this.waitUntil) return
        // Every user logs in to the one demo account, from one address (the balancer's): the throttle and
        // the cap on password checks may answer 429 or 503 with Retry-After, which a polite client waits out.
        const sentAt = performance.now()
        const res = await this.call('/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'password' }), expect: [303, 429], identity: 'new' }, (res, sent) => {
          if (res.status !== 303) return
          this.loggedIn = true
          this.username = true
          this.login = { sent: sentAt, done: sent.doneAt }
          this.covered = undefined
        })
        if (res.kind === 'login-busy' || (res.kind === 'ok' && res.res!.status === 429)) {
          report.loginsDeferred++
          this.waitUntil = performance.now() + 1000 * Number(res.sent.res!.headers.get('Retry-After'))
          return
        }
        if (res.kind === 'ok' && res.res!.status === 303) {
          report.logins++
          await this.call('/', { expect: [200], identity: 'same' }) // shows (and removes) the flash
        }
      } else if (r < 0.63) {
        const loggedIn = this.loggedIn
        const total = [...this.cart].reduce((sum, [id, q]) => sum + PRICES[id]! * q, 0)
        const res = await this.call('/api/cart/checkout', { method: 'POST', expect: loggedIn ? (this.cart.size ? [200] : [409]) : [401], identity: 'same' }, (res) => {
          if (res.status === 200) this.cart.clear()
        })
        if (res.kind === 'ok' && res.res!.status === 200) {
          const { order } = JSON.parse(res.sent.body) as { order: { total: number } }
          if (order.total !== total) problem('crossTalk', `${this.who}: order total ${order.total}, its cart was ${total}`)
        }
      } else if (r < 0.68) {
        await this.logout(false)
      } else if (r < 0.69) {
        // "Log out on all devices" ends every logged-in user's session (one shared account): now and then.
        const quiet = everywheres.length === 0 || performance.now() - everywheres.at(-1)!.sent > Math.max(5_000, durationMs / 15)
        if (this.loggedIn && quiet) await this.logout(true)
      } else if (r < 0.79) {
        // A hostile cookie: a mangled copy of this user's own token, or junk. Never accepted, never a 5xx.
        const own = this.cookie ?? 'x'
        const hostile = [own.slice(0, -3) + 'AAA', own.split('.').reverse().join('.'), 'eyJhbGciOiJub25lIn0.e30.', '%00%ff', 'A'.repeat(5000)][Math.floor(rand() * 5)]!
        const sent = await send('/api/me', {}, hostile)
        if (kindOf(sent, 'GET', '/api/me', `${this.who} (hostile cookie)`) === 'ok') {
          report.hostile++
          if (sent.res!.status !== 401) problem('unexpected', `${this.who}: a hostile cookie got ${sent.res!.status}`)
        }
      } else {
        await this.call(['/products', '/cart', '/'][Math.floor(rand() * 3)]!, { expect: [200], identity: 'same' })
      }
    }
  }

  const users = Array.from({ length: options.users }, (_, i) => new User(i))

  const loop = async (user: User) => {
    while (performance.now() < deadline) {
      if (user.waitUntil > performance.now()) await Bun.sleep(Math.min(user.waitUntil, deadline) - performance.now())
      try {
        await user.step()
      } catch (error) {
        problem('unexpected', `${user.who}: ${String(error)}`)
      }
    }
  }

  // Attackers: cookies copied before a logout, replayed at any time after it completed.
  const attacker = async (n: number) => {
    while (performance.now() < deadline) {
      const entry = revoked[Math.floor(rand() * revoked.length)]
      if (entry !== undefined) await replay(entry, `attacker ${n}`)
      await Bun.sleep(25)
    }
  }

  /** A session only Redis can confirm (no epoch, no last check): an instance that cannot ask Redis answers it 503. */
  const probe = await sessionCookie({ secret: SECRET, cookie: { secure: false }, audience: SESSION_AUDIENCE }, { username: 'user' })
  // Asks every instance directly, 20 times a second, whether it can ask Redis; not counted as requests.
  const prober = async () => {
    while (performance.now() < deadline) {
      await Promise.all(
        cluster.instances.map(async (instance, i) => {
          try {
            const res = await instance.request('/test/session/check', { headers: { Cookie: probe } })
            await res.arrayBuffer()
            if (res.status === 503) storeFailing.push({ by: i, at: performance.now() })
          } catch {
            // Killed: not a Redis matter.
          }
        }),
      )
      await Bun.sleep(50)
    }
  }
  const everyInstanceUsesRedis = async () => {
    for (;;) {
      const texts = await Promise.all(cluster.instances.map(async (instance) => (await instance.request('/test/session/check', { headers: { Cookie: probe } })).text()))
      if (texts.every((text) => text === 'Logged in as user')) return
      await Bun.sleep(20)
    }
  }

  const at = async (fraction: number) => {
    const wait = started + durationMs * fraction - performance.now()
    if (wait > 0) await Bun.sleep(wait)
  }
  const faults = (async () => {
    await at(Math.min(0.1, 5_000 / durationMs))
    report.rssMb = cluster.instances.map((instance, i) => ({ instance: `app${i}`, start: rssMb(instance.pid), end: 0 }))

    await at(0.3)
    report.rssMb[VICTIM]!.beforeKill = rssMb(cluster.instances[VICTIM]!.pid)
    kill.from = performance.now()
    await cluster.kill(VICTIM)
    kill.to = performance.now()
    report.timeline.push(`${clockAt(kill.from)}: app${VICTIM} killed (SIGKILL) after ${report.requests.toLocaleString('en')} requests`)
    log(report.timeline.at(-1)!)
    await Bun.sleep(Math.min(5_000, durationMs / 10))
    await cluster.restart(VICTIM)
    const restarted = performance.now()
    for (;;) {
      const res = await cluster.balancer.request('/api/products')
      await res.arrayBuffer()
      if (Cluster.servedBy(res) === VICTIM) break
      await Bun.sleep(20)
    }
    report.timeline.push(`${clockAt(restarted)}: app${VICTIM} started again on its port; back in the balancer's rotation ${(performance.now() - restarted).toFixed(0)} ms later`)
    log(report.timeline.at(-1)!)
    await Bun.sleep(1_000)
    report.rssMb[VICTIM]!.afterRestart = rssMb(cluster.instances[VICTIM]!.pid)

    await at(0.65)
    const epoch = () => cluster.redis.cli('GET', `${REDIS_PREFIX}epoch`)
    const epochBefore = epoch()
    outage.from = performance.now()
    await cluster.redis.kill()
    await cluster.redis.restart()
    const answering = performance.now()
    const kept = epoch() === epochBefore ? 'its epoch kept' : `its epoch LOST (${epochBefore} → ${epoch() || 'none'})`
    await everyInstanceUsesRedis()
    outage.to = performance.now()
    report.timeline.push(
      `${clockAt(outage.from)}: Redis killed (SIGKILL) and restarted with its appendonly file (${kept}): answering again after ${(answering - outage.from).toFixed(0)} ms, used by every instance again after ${(outage.to - outage.from).toFixed(0)} ms`,
    )
    log(report.timeline.at(-1)!)
  })()

  await Promise.all([...users.map(loop), attacker(1), attacker(2), prober(), faults])
  // When each instance could not ask Redis, as the prober saw it.
  cluster.instances.forEach((_, i) => {
    const spans: [number, number][] = []
    for (const { at } of storeFailing.filter((f) => f.by === i)) {
      const last = spans.at(-1)
      if (last !== undefined && at - last[1] < 500) last[1] = at
      else spans.push([at, at])
    }
    const text = spans.map(([from, to]) => `${((from - started) / 1000).toFixed(1)}–${((to - started) / 1000).toFixed(1)} s`).join(', ')
    report.timeline.push(`app${i} could not ask Redis (answered the probe 503): ${text || 'never'}`)
  })
  report.seconds = (performance.now() - started) / 1000
  cluster.instances.forEach((instance, i) => (report.rssMb[i]!.end = rssMb(instance.pid)))
  for (const [, reason] of cluster.output().matchAll(/Session cookie refused \(([a-z-]+)\)/g)) report.refusals[reason!] = (report.refusals[reason!] ?? 0) + 1
  const failures = cluster.output().split('\n').filter((line) => line.includes(' failed: '))
  for (const line of failures.slice(0, 5)) problem('serverErrors', `logged by an instance: ${line}`)
  await cluster[Symbol.asyncDispose]()
  latencies.sort((a, b) => a - b)
  report.latencyMs = { p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0 }
  report.ok = report.unexpected === 0 && report.serverErrors === 0 && report.lostSessions === 0 && report.revokedServed === 0 && report.crossTalk === 0
  return report
}

export function formatClusterReport(r: ClusterSoakReport): string {
  const n = (value: number) => value.toLocaleString('en')
  const retryAfter = Object.entries(r.storeUnavailable.byRetryAfter).map(([seconds, count]) => `${n(count)} × ${seconds} s`).join(', ') || 'none'
  const rss = r.rssMb
    .map((m) => (m.beforeKill === undefined ? `${m.instance} ${m.start.toFixed(1)} → ${m.end.toFixed(1)}` : `${m.instance} ${m.start.toFixed(1)} → ${m.beforeKill.toFixed(1)}, killed; new process ${m.afterRestart?.toFixed(1)} → ${m.end.toFixed(1)}`))
    .join('; ')
  return [
    `| figure | value |`,
    `|---|---:|`,
    `| duration | ${r.seconds.toFixed(0)} s |`,
    `| requests through the balancer | ${n(r.requests)} (${(r.requests / r.seconds).toFixed(0)}/s) |`,
    `| sessions lost that were not revoked | ${n(r.lostSessions)} |`,
    `| revoked sessions served | ${n(r.revokedServed)} of ${n(r.replays)} presented after their logout completed |`,
    `| revoked sessions served by an instance that could not ask Redis then, within the 60 s outage grace (documented) | ${n(r.revokedServedInGrace)} |`,
    `| 5xx other than the documented ones | ${n(r.serverErrors)} |`,
    `| 503 while Redis could not be asked (documented), by Retry-After | ${n(r.storeUnavailable.count)} (${retryAfter}; ${n(r.storeUnavailable.withoutRetryAfter)} without) |`,
    `| requests cut off by the kill (502 or connection closed; HAProxy replays what it can on another instance) | ${n(r.cutOffByKill)} |`,
    `| logins deferred (429 or 503 with Retry-After, password checks capped) | ${n(r.loginsDeferred)} |`,
    `| unexpected statuses | ${n(r.unexpected)} |`,
    `| cross-talk between users | ${n(r.crossTalk)} |`,
    `| logins / logouts / of which "on all devices" | ${n(r.logins)} / ${n(r.logouts)} / ${n(r.everywheres)} |`,
    `| sessions ended by another device's "log out on all devices" (one shared account) | ${n(r.endedByEverywhere)} |`,
    `| sessions ended after their login or logout was cut off by the kill | ${n(r.endedAfterCutOff)} |`,
    `| hostile cookies (all refused) | ${n(r.hostile)} |`,
    `| cookies refused, by the reason the instances logged | ${Object.entries(r.refusals).sort().map(([reason, count]) => `${reason} ${n(count)}`).join(', ')} |`,
    `| RSS per instance, MB (after warm-up → end) | ${rss} |`,
    `| latency p50 / p99 | ${r.latencyMs.p50.toFixed(2)} / ${r.latencyMs.p99.toFixed(2)} ms |`,
    '',
    ...r.timeline.map((line) => `- ${line}`),
    ...r.samples.map((s) => `\n${s}`),
  ].join('\n')
}
