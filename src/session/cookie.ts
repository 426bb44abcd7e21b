import { SessionConfigError, SessionTooLargeError } from './errors.ts'

/**
 * The most a browser keeps for one cookie's name + value. Chromium drops a longer cookie without a
 * word and keeps the previous one, so the user would silently see stale state.
 */
export const MAX_COOKIE_BYTES = 4096

/** The cookie's SameSite attribute: when browsers send it along with requests from other sites. */
export type SameSite = 'Strict' | 'Lax' | 'None'

/** How the session cookie is named and sent. */
export interface SessionCookieOptions {
  /**
   * Cookie name. Default `__Host-session` when `secure` is true (the prefix makes the browser refuse the
   * cookie from any other host or path, which stops cookie tossing from sibling subdomains), else `session`.
   * `__Host-` and `__Secure-` prefixes are checked, in any letter case.
   */
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

/** The cookie settings after every rule is checked: what every Set-Cookie for the session carries. */
export interface SessionCookie {
  readonly name: string
  readonly httpOnly: boolean
  readonly secure: boolean
  readonly sameSite: SameSite
  readonly path: string
  readonly domain: string | undefined
}

// RFC 6265 token: the characters a cookie name may hold.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Characters that would let an attribute value break out of its attribute.
const ATTRIBUTE_VALUE = /^[\x21-\x3a\x3c-\x7e]+$/
// The characters of a compact JWS or JWE. A session cookie's value is the token exactly as issued: a
// quoted, percent-encoded or padded spelling is not ours, so each session has one spelling.
const TOKEN_TEXT = /^[A-Za-z0-9_.-]+$/
/** How many cookies of the session's name one request may make us verify; more is an attack. */
const MAX_CANDIDATES = 4

function flag(value: unknown, option: string, fallback: boolean): boolean {
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

function hasPrefix(name: string, prefix: string): boolean {
  // Browsers match cookie prefixes in any letter case (RFC 6265bis), so "__host-" carries the rules too.
  return name.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()
}

/** Checks the cookie options once, at start-up; a browser silently drops a cookie that breaks these rules. */
export function resolveCookie(options: SessionCookieOptions | undefined): SessionCookie {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new SessionConfigError('cookie', 'must be an object')
  }
  const secure = flag(options?.secure, 'cookie.secure', true)
  const name = options?.name ?? (secure ? '__Host-session' : 'session')
  if (typeof name !== 'string' || !COOKIE_NAME.test(name)) {
    throw new SessionConfigError('cookie.name', 'must be a non-empty cookie name (letters, digits and !#$%&\'*+-.^_`|~)')
  }
  const sameSite = options?.sameSite ?? 'Lax'
  if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None') {
    throw new SessionConfigError('cookie.sameSite', `must be "Strict", "Lax" or "None", got ${String(sameSite)}`)
  }
  const path = attribute(options?.path, 'cookie.path') ?? '/'
  const domain = attribute(options?.domain, 'cookie.domain')
  if (!path.startsWith('/')) throw new SessionConfigError('cookie.path', 'must start with "/"')
  if (sameSite === 'None' && !secure) {
    throw new SessionConfigError('cookie.sameSite', '"None" requires cookie.secure: browsers refuse SameSite=None cookies without Secure')
  }
  if (hasPrefix(name, '__Secure-') && !secure) {
    throw new SessionConfigError('cookie.secure', `must be true for a cookie named "${name}" (the __Secure- prefix)`)
  }
  if (hasPrefix(name, '__Host-')) {
    if (!secure) throw new SessionConfigError('cookie.secure', `must be true for a cookie named "${name}" (the __Host- prefix)`)
    if (domain !== undefined) throw new SessionConfigError('cookie.domain', `must not be set for a cookie named "${name}" (the __Host- prefix)`)
    if (path !== '/') throw new SessionConfigError('cookie.path', `must be "/" for a cookie named "${name}" (the __Host- prefix)`)
  }
  return { name, httpOnly: flag(options?.httpOnly, 'cookie.httpOnly', true), secure, sameSite, path, domain }
}

/** What the request's Cookie header holds under the session's name. */
export interface SessionCookieValues {
  /** Values that may be a token, in the order sent (browsers put the most specific Path first), at most a few. */
  readonly candidates: readonly string[]
  /** Values that cannot be a token we issued: quoted, encoded, too long. */
  readonly refused: number
  /** Values that might have been tokens, beyond the few this request verifies. */
  readonly skipped: number
}

/**
 * Every value sent under `name`, exactly as sent: no unquoting, no percent-decoding, no trimming
 * inside the value. Several values mean another host or path set one too (cookie tossing): the
 * middleware tries each in order.
 */
export function readSessionCookies(header: string | null | undefined, name: string): SessionCookieValues {
  const candidates: string[] = []
  let refused = 0
  let skipped = 0
  if (header === null || header === undefined || !header.includes(name)) return { candidates, refused, skipped }
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue
    const value = pair.slice(eq + 1)
    if (name.length + value.length > MAX_COOKIE_BYTES || !TOKEN_TEXT.test(value)) refused++
    else if (candidates.length === MAX_CANDIDATES) skipped++
    else candidates.push(value)
  }
  return { candidates, refused, skipped }
}

function attributes(cookie: SessionCookie): string {
  return (
    `; Path=${cookie.path}` +
    (cookie.domain === undefined ? '' : `; Domain=${cookie.domain}`) +
    (cookie.httpOnly ? '; HttpOnly' : '') +
    (cookie.secure ? '; Secure' : '') +
    `; SameSite=${cookie.sameSite}`
  )
}

/**
 * The Set-Cookie value that stores `token`; `maxAge` undefined makes a browser-session cookie.
 * Throws SessionTooLargeError, before anything is sent, when the browser would drop it.
 */
export function serializeSessionCookie(cookie: SessionCookie, token: string, maxAge: number | undefined): string {
  const size = cookie.name.length + token.length
  if (size > MAX_COOKIE_BYTES) throw new SessionTooLargeError(size, MAX_COOKIE_BYTES)
  return `${cookie.name}=${token}${maxAge === undefined ? '' : `; Max-Age=${maxAge}`}${attributes(cookie)}`
}

/** Expires the cookie with the same name, Path and Domain it was set with, or the browser would keep it. */
export function serializeCookieDeletion(cookie: SessionCookie): string {
  return `${cookie.name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${attributes(cookie)}`
}
