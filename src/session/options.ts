import type { Context } from 'hono'
import { SessionConfigError, type InvalidSessionReason } from './errors.ts'

/** A secret as text (used as its UTF-8 bytes) or as raw bytes. */
export type Secret = string | Uint8Array

export type SameSite = 'Strict' | 'Lax' | 'None'

export interface SessionCookieOptions {
  /** Cookie name; `__Host-` and `__Secure-` prefixes are checked. Default `session`. */
  name?: string
  /** Default true: scripts cannot read the cookie. */
  httpOnly?: boolean
  /** Default true: the cookie is only sent over HTTPS (browsers treat http://localhost as secure). */
  secure?: boolean
  /** Default `Lax`. `None` requires `secure`. */
  sameSite?: SameSite
  /** Default `/`. */
  path?: string
  /** Default: none, a host-only cookie. */
  domain?: string
}

export interface SessionOptions {
  /** Signs every new token. At least 32 bytes. */
  secret: Secret
  /** Older secrets, still accepted for verification; tokens they signed are reissued with `secret`. */
  fallbackSecrets?: readonly Secret[]
  /** Seconds without a request after which the session ends. Default 1800 (30 minutes). */
  idleTimeout?: number
  /** Seconds after the session started (or `regenerate()`) after which it ends, however active. Default 43200 (12 hours). */
  absoluteTimeout?: number
  /**
   * `true` (default): every request that carries a valid session gets a fresh token and expiry.
   * `false`: reissue only when the session changed, was signed by a fallback secret, or is past half its idle window.
   */
  refreshEachRequest?: boolean
  /**
   * Seconds by which `iat`, `nbf` and the start time may lie in the future (a server whose clock runs behind the
   * issuer's). Expiry is always exact. Default 5.
   */
  clockTolerance?: number
  cookie?: SessionCookieOptions
  /**
   * How many tokens this process remembers as already verified or signed, so a session seen again
   * skips the HMAC (its times are still checked on every request). 0 turns it off. Default 5000.
   */
  tokenCacheSize?: number
  /** Called with the reason whenever a request's session cookie is refused. Never given the cookie itself. */
  onInvalid?: (reason: InvalidSessionReason, c: Context) => void
  /** Milliseconds since the epoch; injected in tests. Default `Date.now`. */
  clock?: () => number
}

export interface ResolvedCookie {
  name: string
  httpOnly: boolean
  secure: boolean
  sameSite: SameSite
  path: string
  domain: string | undefined
}

export interface ResolvedOptions {
  secret: Uint8Array<ArrayBuffer>
  fallbackSecrets: Uint8Array<ArrayBuffer>[]
  idleTimeout: number
  absoluteTimeout: number
  refreshEachRequest: boolean
  clockTolerance: number
  tokenCacheSize: number
  cookie: ResolvedCookie
  onInvalid: ((reason: InvalidSessionReason, c: Context) => void) | undefined
  clock: () => number
}

const MIN_SECRET_BYTES = 32
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis). */
const MAX_LIFETIME_SECONDS = 400 * 24 * 60 * 60
const DEFAULT_IDLE_TIMEOUT = 30 * 60
const DEFAULT_ABSOLUTE_TIMEOUT = 12 * 60 * 60
const MAX_CLOCK_TOLERANCE = 300

// RFC 6265 token: the characters a cookie name may hold.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Characters that would let an attribute value break out of its attribute.
const ATTRIBUTE_VALUE = /^[\x21-\x3a\x3c-\x7e]+$/
const textEncoder = new TextEncoder()

function secretBytes(value: unknown, option: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>
  if (typeof value === 'string') bytes = textEncoder.encode(value)
  else if (value instanceof Uint8Array) bytes = value.slice()
  else throw new SessionConfigError(option, `must be a string or a Uint8Array, got ${value === null ? 'null' : typeof value}`)
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new SessionConfigError(option, `must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.byteLength}`)
  }
  return bytes
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

function seconds(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SessionConfigError(option, `must be a whole number of seconds above 0, got ${String(value)}`)
  }
  if (value > MAX_LIFETIME_SECONDS) {
    throw new SessionConfigError(option, `must be at most 400 days (${MAX_LIFETIME_SECONDS} seconds), got ${value}`)
  }
  return value
}

function boolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new SessionConfigError(option, `must be true or false, got ${String(value)}`)
  return value
}

function attribute(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !ATTRIBUTE_VALUE.test(value)) {
    throw new SessionConfigError(option, 'must be a non-empty string of printable ASCII without ";" or spaces')
  }
  return value
}

function resolveCookie(options: SessionCookieOptions | undefined): ResolvedCookie {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new SessionConfigError('cookie', 'must be an object')
  }
  const name = options?.name ?? 'session'
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
    throw new SessionConfigError('cookie.name', 'must be a non-empty cookie name (letters, digits and !#$%&\'*+-.^_`|~)')
  }
  const sameSite = options?.sameSite ?? 'Lax'
  if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None') {
    throw new SessionConfigError('cookie.sameSite', `must be "Strict", "Lax" or "None", got ${String(sameSite)}`)
  }
  const cookie: ResolvedCookie = {
    name,
    httpOnly: boolean(options?.httpOnly, 'cookie.httpOnly', true),
    secure: boolean(options?.secure, 'cookie.secure', true),
    sameSite,
    path: attribute(options?.path, 'cookie.path') ?? '/',
    domain: attribute(options?.domain, 'cookie.domain'),
  }
  if (!cookie.path.startsWith('/')) throw new SessionConfigError('cookie.path', 'must start with "/"')
  if (sameSite === 'None' && !cookie.secure) {
    throw new SessionConfigError('cookie.sameSite', '"None" requires cookie.secure: browsers refuse SameSite=None cookies without Secure')
  }
  // Browsers silently drop prefixed cookies that break these rules, so catch them here.
  if (name.startsWith('__Secure-') && !cookie.secure) {
    throw new SessionConfigError('cookie.secure', `must be true for a cookie named "${name}" (the __Secure- prefix)`)
  }
  if (name.startsWith('__Host-')) {
    if (!cookie.secure) throw new SessionConfigError('cookie.secure', `must be true for a cookie named "${name}" (the __Host- prefix)`)
    if (cookie.domain !== undefined) throw new SessionConfigError('cookie.domain', `must not be set for a cookie named "${name}" (the __Host- prefix)`)
    if (cookie.path !== '/') throw new SessionConfigError('cookie.path', `must be "/" for a cookie named "${name}" (the __Host- prefix)`)
  }
  return cookie
}

/** Checks every option once, when the middleware is built, so a mistake stops the process at start-up. */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SessionConfigError('secret', 'is required: pass session({ secret })')
  }
  if (options.secret === undefined) throw new SessionConfigError('secret', 'is required')
  const secret = secretBytes(options.secret, 'secret')

  const fallbacks = options.fallbackSecrets ?? []
  // A string here would otherwise be a list of one-character secrets (pallets/flask#6089).
  if (!Array.isArray(fallbacks)) throw new SessionConfigError('fallbackSecrets', 'must be an array of secrets')
  const fallbackSecrets = fallbacks.map((value, i) => secretBytes(value, `fallbackSecrets[${i}]`))
  const all = [secret, ...fallbackSecrets]
  all.forEach((bytes, i) => {
    if (all.findIndex((other) => sameBytes(other, bytes)) !== i) {
      throw new SessionConfigError(`fallbackSecrets[${i - 1}]`, 'repeats another configured secret')
    }
  })

  const idleTimeout = seconds(options.idleTimeout, 'idleTimeout', DEFAULT_IDLE_TIMEOUT)
  const absoluteTimeout = seconds(options.absoluteTimeout, 'absoluteTimeout', DEFAULT_ABSOLUTE_TIMEOUT)
  if (idleTimeout > absoluteTimeout) {
    throw new SessionConfigError('idleTimeout', `(${idleTimeout}s) must not exceed absoluteTimeout (${absoluteTimeout}s)`)
  }

  const clockTolerance = options.clockTolerance ?? 5
  if (typeof clockTolerance !== 'number' || !Number.isSafeInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > MAX_CLOCK_TOLERANCE) {
    throw new SessionConfigError('clockTolerance', `must be a whole number of seconds from 0 to ${MAX_CLOCK_TOLERANCE}, got ${String(clockTolerance)}`)
  }
  const tokenCacheSize = options.tokenCacheSize ?? 5000
  if (typeof tokenCacheSize !== 'number' || !Number.isSafeInteger(tokenCacheSize) || tokenCacheSize < 0 || tokenCacheSize > 1_000_000) {
    throw new SessionConfigError('tokenCacheSize', `must be a whole number from 0 to 1000000, got ${String(tokenCacheSize)}`)
  }
  if (options.onInvalid !== undefined && typeof options.onInvalid !== 'function') {
    throw new SessionConfigError('onInvalid', 'must be a function')
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new SessionConfigError('clock', 'must be a function returning milliseconds since the epoch')
  }

  return {
    secret,
    fallbackSecrets,
    idleTimeout,
    absoluteTimeout,
    refreshEachRequest: boolean(options.refreshEachRequest, 'refreshEachRequest', true),
    clockTolerance,
    tokenCacheSize,
    cookie: resolveCookie(options.cookie),
    onInvalid: options.onInvalid,
    clock: options.clock ?? Date.now,
  }
}
