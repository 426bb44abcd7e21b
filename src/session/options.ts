import type { Context } from 'hono'
import { resolveCookie, type SessionCookie, type SessionCookieOptions } from './cookie.ts'
import { SessionConfigError, type InvalidSessionReason } from './errors.ts'
import type { ResolvedRevocation, RevocationOptions } from './revocation/checker.ts'
import type { TokenFormat } from './token/session-token.ts'

/** A secret as text (used as its UTF-8 bytes) or as raw bytes. At least 32 bytes. */
export type Secret = string | Uint8Array

/** The options of `session()`. Every one is checked when the middleware is built. */
export interface SessionOptions {
  /** Signs every new token. At least 32 bytes; make one with `npx hono-jwt-session`. */
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
  /**
   * `true`: the session is an encrypted JWE (dir + A256GCM, a key derived from the secret), so nobody
   * holding the cookie can read it. Default `false`: a signed JWS, readable by its holder and by any
   * JWT library holding the secret. Tokens of either kind are accepted whatever this says, and reissued
   * in the configured one, so switching logs nobody out.
   */
  encrypt?: boolean
  /** The cookie's name and attributes. */
  cookie?: SessionCookieOptions
  /**
   * Who the tokens are for, in their `aud` claim: a token made for another audience is refused. Default: the
   * cookie's name. Give each application its own, so two apps that share a secret cannot accept each other's
   * sessions (better still, never share a secret).
   */
  audience?: string
  /**
   * How many tokens the token cache keeps, so a session seen again skips the signature check or the
   * decryption (its claims are still checked on every request). It keeps only tokens likely to come back:
   * the one issued to a session issued a token before, one verified twice; plus, beyond this number, those
   * issued in the latest second. Once full it holds at least three quarters of this, the most recent; a
   * hit does not keep a token longer. Size it at 4/3 of the sessions active between two requests of one
   * user; each entry costs about the token's length in memory. 0 turns it off. Default 5000.
   */
  tokenCacheSize?: number
  /**
   * Optional server-side revocation, so a logout ends every copy of a session on every instance (a
   * stateless token cannot be recalled otherwise). Off by default: a signed cookie costs no round trip.
   */
  revocation?: RevocationOptions
  /** Called with the reason whenever a request's session cookie is refused. Never given the cookie itself. */
  onInvalid?: (reason: InvalidSessionReason, c: Context) => void
  /** Milliseconds since the epoch; injected in tests. Default `Date.now`. */
  clock?: () => number
}

/** The options after every check: what the middleware runs on. */
export interface ResolvedOptions {
  readonly secret: Uint8Array<ArrayBuffer>
  readonly fallbackSecrets: readonly Uint8Array<ArrayBuffer>[]
  readonly idleTimeout: number
  readonly absoluteTimeout: number
  readonly refreshEachRequest: boolean
  readonly format: TokenFormat
  readonly clockTolerance: number
  readonly cookie: SessionCookie
  readonly audience: string
  readonly tokenCacheSize: number
  readonly revocation: ResolvedRevocation | undefined
  readonly onInvalid: ((reason: InvalidSessionReason, c: Context) => void) | undefined
  readonly clock: () => number
}

const MIN_SECRET_BYTES = 32
/** Browsers cap cookie lifetimes at 400 days (RFC 6265bis). */
const MAX_LIFETIME_SECONDS = 400 * 24 * 60 * 60
const textEncoder = new TextEncoder()

function secretBytes(value: unknown, option: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>
  // Copied into a buffer of our own: the caller's array may change later, or sit on a shared buffer.
  if (typeof value === 'string') bytes = new Uint8Array(textEncoder.encode(value))
  else if (value instanceof Uint8Array) bytes = new Uint8Array(value)
  else throw new SessionConfigError(option, `must be a string or a Uint8Array, got ${value === null ? 'null' : typeof value}`)
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new SessionConfigError(option, `must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.byteLength}`)
  }
  return bytes
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i])
}

interface Range {
  min: number
  max: number
  /** How the range reads in an error message. */
  describe: string
}

function wholeNumber(value: unknown, option: string, fallback: number, { min, max, describe }: Range): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SessionConfigError(option, `must be ${describe}, got ${String(value)}`)
  }
  return value
}

const LIFETIME: Range = { min: 1, max: MAX_LIFETIME_SECONDS, describe: `a whole number of seconds from 1 to 400 days (${MAX_LIFETIME_SECONDS})` }
const CLOCK_TOLERANCE: Range = { min: 0, max: 300, describe: 'a whole number of seconds from 0 to 300' }
const CACHE_SIZE: Range = { min: 0, max: 1_000_000, describe: 'a whole number from 0 to 1000000' }
const STORE_TIMEOUT: Range = { min: 1, max: 60_000, describe: 'a whole number of milliseconds from 1 to 60000' }

function resolveRevocation(options: RevocationOptions | undefined, absoluteTimeout: number): ResolvedRevocation | undefined {
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null) throw new SessionConfigError('revocation', 'must be an object with a store')
  const { store } = options
  const methods = ['check', 'revokeSession', 'revokeSubject'] as const
  if (typeof store !== 'object' || store === null || methods.some((method) => typeof store[method] !== 'function')) {
    throw new SessionConfigError('revocation.store', `must be a revocation store (with ${methods.join(', ')}), e.g. new MemoryRevocationStore()`)
  }
  const withinSession: Range = { min: 0, max: absoluteTimeout, describe: `a whole number of seconds from 0 to absoluteTimeout (${absoluteTimeout})` }
  return {
    store,
    checkInterval: wholeNumber(options.checkInterval, 'revocation.checkInterval', 0, withinSession),
    timeout: wholeNumber(options.timeout, 'revocation.timeout', 500, STORE_TIMEOUT),
    outageGrace: wholeNumber(options.outageGrace, 'revocation.outageGrace', 60, withinSession),
  }
}

function boolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new SessionConfigError(option, `must be true or false, got ${String(value)}`)
  return value
}

function optionalFunction<F>(value: F | undefined, option: string, what: string): F | undefined {
  if (value !== undefined && typeof value !== 'function') throw new SessionConfigError(option, `must be ${what}`)
  return value
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

  const idleTimeout = wholeNumber(options.idleTimeout, 'idleTimeout', 30 * 60, LIFETIME)
  const absoluteTimeout = wholeNumber(options.absoluteTimeout, 'absoluteTimeout', 12 * 60 * 60, LIFETIME)
  if (idleTimeout > absoluteTimeout) {
    throw new SessionConfigError('idleTimeout', `(${idleTimeout}s) must not exceed absoluteTimeout (${absoluteTimeout}s)`)
  }
  const cookie = resolveCookie(options.cookie)
  const audience = options.audience ?? cookie.name
  if (typeof audience !== 'string' || audience === '') throw new SessionConfigError('audience', 'must be a non-empty string')

  return {
    secret,
    fallbackSecrets,
    idleTimeout,
    absoluteTimeout,
    refreshEachRequest: boolean(options.refreshEachRequest, 'refreshEachRequest', true),
    format: boolean(options.encrypt, 'encrypt', false) ? 'encrypted' : 'signed',
    clockTolerance: wholeNumber(options.clockTolerance, 'clockTolerance', 5, CLOCK_TOLERANCE),
    cookie,
    audience,
    tokenCacheSize: wholeNumber(options.tokenCacheSize, 'tokenCacheSize', 5000, CACHE_SIZE),
    revocation: resolveRevocation(options.revocation, absoluteTimeout),
    onInvalid: optionalFunction(options.onInvalid, 'onInvalid', 'a function'),
    clock: optionalFunction(options.clock, 'clock', 'a function returning milliseconds since the epoch') ?? Date.now,
  }
}

const identities = new WeakMap<object, number>()
let nextIdentity = 0

function identity(value: object): number {
  let id = identities.get(value)
  if (id === undefined) identities.set(value, (id = nextIdentity++))
  return id
}

/**
 * A text that two option objects share exactly when they configure the same middleware: secrets by
 * their bytes, functions and other objects (a clock, a store) by identity, everything else by value.
 */
export function optionsFingerprint(options: SessionOptions): string {
  // Tagged as objects, which no option's string can be, so a string never fingerprints like bytes.
  return JSON.stringify(options, (_key, value: unknown) => {
    if (typeof value === 'function') return { function: identity(value) }
    if (value instanceof Uint8Array) return { bytes: Array.from(value) }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) {
      return { object: identity(value) }
    }
    return value
  })
}
