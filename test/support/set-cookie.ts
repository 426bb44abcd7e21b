// Set-Cookie headers as data, to assert a cookie's value and attributes (names lower-cased:
// `attributes['max-age']`), and StrictCookieJar: the public CookieJar that also fails the test when one
// response sets the same cookie twice. Use StrictCookieJar wherever a test keeps cookies across requests.
import { CookieJar } from 'hono-jwt-session/testing'

export interface ParsedSetCookie {
  name: string
  value: string
  /** Attribute names lower-cased; a flag such as HttpOnly is `true`. */
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

/** Every Set-Cookie of a response for the cookie `name`. */
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
