/**
 * Helpers for testing your own routes with `app.request()`: a cookie jar that follows `Set-Cookie`
 * as a browser does, a clock you move by hand, and session cookies made to order, so a logged-in user
 * is one line.
 *
 * @example
 * ```ts
 * import { CookieJar, TestClock, sessionCookie } from 'hono-jwt-session/testing'
 *
 * const clock = new TestClock()
 * const options = { secret: 'a test secret of at least 32 bytes!', cookie: { secure: false }, clock: clock.now }
 * const app = createApp(options) // your app, built with these session options
 *
 * const jar = new CookieJar()
 * jar.set(await sessionCookie(options, { userId: '42' }))   // logged in
 * const res = await jar.request(app, '/account')
 * clock.advance(31 * 60)                                     // past the idle timeout
 * ```
 *
 * @module
 */
import { assertJsonValue } from './json.ts'
import { resolveOptions, type SessionOptions } from './options.ts'
import { newSessionId, type SessionData, type SessionShape } from './session.ts'
import { SessionInterface } from './session-interface.ts'

/** A clock for the `clock` option: milliseconds since the epoch, moved only by hand. */
export class TestClock {
  /** Milliseconds since the epoch. */
  ms: number

  /** Starts at `startMs`, by default 2026-01-01T00:00:00Z. */
  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.ms = startMs
  }

  /** Pass this as the `clock` option. */
  readonly now = (): number => this.ms

  /** Moves the clock forward (or back, with a negative number) by whole or fractional seconds. */
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }

  /** The time in whole seconds, as tokens count it. */
  get seconds(): number {
    return Math.floor(this.ms / 1000)
  }
}

/** Anything with Hono's `request()`: an app or a sub-app. */
export interface Requestable {
  /** Hono's `app.request()`: handles a request without a server. */
  request(input: string, init?: RequestInit): Response | Promise<Response>
}

function cookiePair(text: string): [name: string, value: string] {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new TypeError(`Not a cookie "name=value": ${text}`)
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()]
}

/** For a `CookieJar`. */
export interface CookieJarOptions {
  /** Milliseconds since the epoch, for expiry (`Max-Age`, `Expires`); pass the same clock as the app's. Default `Date.now`. */
  clock?: () => number
}

/**
 * What a browser keeps for one site: every cookie by name, updated from each response's `Set-Cookie`,
 * and dropped when it expires by the jar's clock. Paths and domains are not modelled: every cookie held
 * is sent with every request.
 */
export class CookieJar {
  /** Each cookie's value and when it expires (milliseconds; Infinity for a browser-session cookie). */
  readonly #cookies = new Map<string, { value: string; expires: number }>()
  readonly #clock: () => number

  /** An empty jar. */
  constructor(options: CookieJarOptions = {}) {
    this.#clock = options.clock ?? Date.now
  }

  /** The `Cookie` header a browser would send, or undefined when the jar holds nothing unexpired. */
  header(): string | undefined {
    const pairs = [...this.#live()].map(([name, value]) => `${name}=${value}`)
    return pairs.length === 0 ? undefined : pairs.join('; ')
  }

  /** The value held under `name`, unless it has expired. */
  get(name: string): string | undefined {
    return this.#live().get(name)
  }

  /** Holds a cookie, given as `name=value` (what `sessionCookie()` returns) or as name and value. */
  set(nameOrPair: string, value?: string): this {
    const [name, text] = value === undefined ? cookiePair(nameOrPair) : [nameOrPair, value]
    this.#cookies.set(name, { value: text, expires: Infinity })
    return this
  }

  /** Forgets the cookie held under `name`; true when there was one. */
  delete(name: string): boolean {
    return this.#cookies.delete(name)
  }

  /**
   * Applies a response's `Set-Cookie` headers as a browser does: each value is kept until its `Max-Age`
   * (which wins) or `Expires` passes by the jar's clock; one already expired removes the cookie.
   */
  store(res: Response): void {
    const now = this.#clock()
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';')
      const [name, value] = cookiePair(pair)
      let expires = Infinity
      let maxAge: number | undefined
      for (const attribute of attributes) {
        const [key = '', setting = ''] = attribute.split('=').map((part) => part.trim())
        if (key.toLowerCase() === 'max-age') maxAge = Number(setting)
        else if (key.toLowerCase() === 'expires') expires = Date.parse(setting)
      }
      if (maxAge !== undefined) expires = now + maxAge * 1000
      if (expires <= now) this.#cookies.delete(name)
      else this.#cookies.set(name, { value, expires })
    }
  }

  #live(): Map<string, string> {
    const now = this.#clock()
    const live = new Map<string, string>()
    for (const [name, cookie] of this.#cookies) if (cookie.expires > now) live.set(name, cookie.value)
    return live
  }

  /** Sends a request to `app` with the jar's cookies (added to any in `init`) and keeps what comes back. */
  async request(app: Requestable, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    const held = this.header()
    if (held !== undefined) headers.set('Cookie', headers.has('Cookie') ? `${headers.get('Cookie')}; ${held}` : held)
    const res = await app.request(path, { ...init, headers })
    this.store(res)
    return res
  }
}

const interfaces = new WeakMap<SessionOptions, SessionInterface>()

function interfaceFor(options: SessionOptions): SessionInterface {
  let found = interfaces.get(options)
  if (found === undefined) interfaces.set(options, (found = new SessionInterface(resolveOptions(options))))
  return found
}

function nowSeconds(options: SessionOptions, at: number | undefined): number {
  return Math.floor((at ?? (options.clock ?? Date.now)()) / 1000)
}

/** How `sessionCookie()` makes its session; everything defaults to a brand-new session. */
export interface SessionCookieInit {
  /** When the token is issued, in milliseconds. Default: the options' `clock`, else now. */
  at?: number
  /** When the session started, in milliseconds. Default: `at`. */
  start?: number
  /** Default: a new random id. */
  id?: string
  /** A persistent cookie. Default false. */
  permanent?: boolean
  /** Whom the session belongs to, as `regenerate({ subject })` sets it. Default: none. */
  subject?: string
}

/**
 * A `name=token` pair that a `session()` middleware with the same options accepts as a session holding
 * `data`, made the way the middleware makes its own. Put it in a `CookieJar` or a `Cookie` header.
 */
export async function sessionCookie<T extends SessionShape<T> = SessionData>(
  options: SessionOptions,
  data: T,
  init: SessionCookieInit = {},
): Promise<string> {
  assertJsonValue(data, 'data')
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('sessionCookie(): data must be an object')
  const now = nowSeconds(options, init.at)
  const start = init.start === undefined ? now : Math.floor(init.start / 1000)
  if (start > now) throw new RangeError('sessionCookie(): the session cannot start after its token is issued')
  const sessions = interfaceFor(options)
  const { token } = await sessions.issue({ id: init.id ?? newSessionId(), start, permanent: init.permanent ?? false, subject: init.subject, stamp: undefined, data }, now)
  return `${sessions.cookieName}=${token}`
}

/**
 * The session a response stores, read from its `Set-Cookie` and verified with the same options: its
 * values, `null` when the response deletes the session cookie, `undefined` when it leaves it alone.
 * Throws when the cookie it sets would be refused, with the reason.
 */
export async function readSession(options: SessionOptions, res: Response): Promise<SessionData | null | undefined> {
  const sessions = interfaceFor(options)
  const name = sessions.cookieName
  const line = res.headers.getSetCookie().find((text) => text.startsWith(`${name}=`))
  if (line === undefined) return undefined
  const jar = new CookieJar({ clock: options.clock ?? Date.now })
  jar.store(new Response(null, { headers: [['Set-Cookie', line]] }))
  const token = jar.get(name)
  if (token === undefined) return null
  const result = await sessions.verify(token, nowSeconds(options, undefined))
  if (!result.ok) throw new Error(`The session cookie this response sets is refused: ${result.reason}`)
  return result.claims.data
}
