import { Hono, type Context } from 'hono'
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { session, type InvalidSessionReason, type SessionData, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { CookieJar, TestClock } from 'hono-jwt-session/testing'

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop'
export const OLD_SECRET = 'old-secret-0123456789-abcdefghijklmnopq'
export const OTHER_SECRET = 'other-secret-0123456789-abcdefghijklmno'
export type Handler = (c: Context<SessionEnv<SessionData>>) => Response | Promise<Response>

export interface TestAppOptions extends Partial<SessionOptions> {
  routes?: Record<string, Handler>
}

/**
 * An app with the session middleware and a few generic routes:
 * GET /get?key=k returns the JSON value (or "none"), GET /set?key=k&value=<json>, GET /noop (never touches the session).
 */
export function testApp(options: TestAppOptions = {}) {
  const clock = new TestClock()
  const invalid: InvalidSessionReason[] = []
  const errors: unknown[] = []
  const { routes, ...sessionOptions } = options
  const app = new Hono<SessionEnv<SessionData>>()
  app.use(
    session({
      secret: SECRET,
      cookie: { secure: false },
      clock: clock.now,
      onInvalid: (reason) => invalid.push(reason),
      ...sessionOptions,
    }),
  )
  app.get('/noop', (c) => c.text('noop'))
  app.get('/get', (c) => {
    const value = c.var.session.get(c.req.query('key')!)
    return c.text(value === undefined ? 'none' : JSON.stringify(value))
  })
  app.get('/set', (c) => {
    c.var.session.set(c.req.query('key')!, JSON.parse(c.req.query('value')!))
    return c.text('ok')
  })
  for (const [path, handler] of Object.entries(routes ?? {})) app.all(path, handler)
  app.onError((error, c) => {
    errors.push(error)
    if (error instanceof Error && 'getResponse' in error && typeof error.getResponse === 'function') {
      return error.getResponse() as Response
    }
    return c.text('error', 500)
  })
  return { app, clock, invalid, errors }
}

export interface ParsedSetCookie {
  name: string
  value: string
  attributes: Record<string, string | true>
  raw: string
}

export function parseSetCookie(raw: string): ParsedSetCookie {
  const [pair, ...rest] = raw.split(';')
  const eq = pair!.indexOf('=')
  const attributes: Record<string, string | true> = {}
  for (const part of rest) {
    const [key, ...value] = part.trim().split('=')
    attributes[key!.toLowerCase()] = value.length ? value.join('=') : true
  }
  return { name: pair!.slice(0, eq).trim(), value: pair!.slice(eq + 1), attributes, raw }
}

export function setCookies(res: Response, name = 'session'): ParsedSetCookie[] {
  return res.headers.getSetCookie().map(parseSetCookie).filter((c) => c.name === name)
}

/** The one session Set-Cookie of a response, or undefined; fails the test if there are several. */
export function sessionSetCookie(res: Response, name = 'session'): ParsedSetCookie | undefined {
  const found = setCookies(res, name)
  if (found.length > 1) throw new Error(`expected at most one Set-Cookie for ${name}, got ${found.length}`)
  return found[0]
}

/**
 * The public CookieJar, which also fails the test when one response sets the same cookie twice: the
 * middleware sends at most one Set-Cookie for the session, and every request through a jar checks it.
 */
export class StrictCookieJar extends CookieJar {
  override store(res: Response): void {
    const names = res.headers.getSetCookie().map((line) => parseSetCookie(line).name)
    const repeated = names.find((name, i) => names.indexOf(name) !== i)
    if (repeated !== undefined) throw new Error(`expected at most one Set-Cookie for ${repeated}, got ${names.filter((n) => n === repeated).length}`)
    super.store(res)
  }
}

export function claimsOf(token: string) {
  return decodeJwt(token) as Record<string, unknown>
}

export function headerOf(token: string) {
  return decodeProtectedHeader(token) as Record<string, unknown>
}

export type Hs = 'HS256' | 'HS384' | 'HS512'

/** An HMAC signature in base64url, computed without the code under test: for forging tokens in tests. */
export async function hmac(alg: Hs, secret: string | Uint8Array<ArrayBuffer>, input: string): Promise<string> {
  const encoder = new TextEncoder()
  const hash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' }[alg]
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, ['sign'])
  return base64url.encode(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input))))
}
