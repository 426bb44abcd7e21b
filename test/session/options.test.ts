import { describe, expect, test } from 'bun:test'
import { session, SessionConfigError, type SessionOptions } from 'hono-jwt-session'
import { jwtVerify } from 'jose'
import { SECRET } from '../support/secrets.ts'
import { sessionApp } from '../support/session-app.ts'
import { sessionSetCookie } from '../support/set-cookie.ts'

function configError(options: Partial<SessionOptions>): SessionConfigError {
  try {
    session({ secret: SECRET, ...options } as SessionOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(SessionConfigError)
    return error as SessionConfigError
  }
  throw new Error('expected session() to throw')
}

describe('configuration mistakes throw when the middleware is built, naming the option', () => {
  const cases: [string, Partial<SessionOptions>, string, RegExp][] = [
    ['no secret', { secret: undefined as never }, 'secret', /is required/],
    ['a short secret', { secret: 'x'.repeat(31) }, 'secret', /at least 32 bytes, got 31/],
    ['a short secret counted in bytes, not characters', { secret: 'é'.repeat(15) }, 'secret', /got 30/],
    ['a secret of the wrong type', { secret: 42 as never }, 'secret', /string or a Uint8Array/],
    ['short secret bytes', { secret: new Uint8Array(16) }, 'secret', /at least 32 bytes/],
    ['fallbacks given as one string', { fallbackSecrets: 'x'.repeat(40) as never }, 'fallbackSecrets', /must be an array/],
    ['a short fallback', { fallbackSecrets: ['x'.repeat(40), 'short'] }, 'fallbackSecrets[1]', /at least 32 bytes/],
    ['a fallback equal to the secret', { fallbackSecrets: [SECRET] }, 'fallbackSecrets[0]', /repeats/],
    ['idle longer than absolute', { idleTimeout: 7200, absoluteTimeout: 3600 }, 'idleTimeout', /must not exceed absoluteTimeout/],
    ['idle longer than the default absolute', { idleTimeout: 13 * 3600 }, 'idleTimeout', /must not exceed absoluteTimeout \(43200s\)/],
    ['absolute over 400 days', { absoluteTimeout: 401 * 86400 }, 'absoluteTimeout', /from 1 to 400 days/],
    ['a fractional timeout', { idleTimeout: 1.5 }, 'idleTimeout', /whole number/],
    ['a zero timeout', { idleTimeout: 0 }, 'idleTimeout', /from 1 to 400 days/],
    ['a timeout as a string', { idleTimeout: '60' as never }, 'idleTimeout', /whole number/],
    ['a negative clock tolerance', { clockTolerance: -1 }, 'clockTolerance', /from 0 to 300/],
    ['SameSite=None without Secure', { cookie: { sameSite: 'None', secure: false } }, 'cookie.sameSite', /requires cookie.secure/],
    ['an unknown SameSite', { cookie: { sameSite: 'lax' as never } }, 'cookie.sameSite', /"Strict", "Lax" or "None"/],
    ['__Host- without Secure', { cookie: { name: '__Host-session', secure: false } }, 'cookie.secure', /__Host- prefix/],
    ['__Host- with a Domain', { cookie: { name: '__Host-session', domain: 'example.com' } }, 'cookie.domain', /__Host- prefix/],
    ['__Host- with a Path other than /', { cookie: { name: '__Host-session', path: '/app' } }, 'cookie.path', /__Host- prefix/],
    ['__Secure- without Secure', { cookie: { name: '__Secure-session', secure: false } }, 'cookie.secure', /__Secure- prefix/],
    ['a cookie name with a space', { cookie: { name: 'my session' } }, 'cookie.name', /cookie name/],
    ['an empty cookie name', { cookie: { name: '' } }, 'cookie.name', /cookie name/],
    ['a path that injects an attribute', { cookie: { path: '/; Domain=evil.com' } }, 'cookie.path', /without ";"/],
    ['a relative path', { cookie: { path: 'app' } }, 'cookie.path', /start with "\/"/],
    ['httpOnly as a string', { cookie: { httpOnly: 'yes' as never } }, 'cookie.httpOnly', /true or false/],
    ['refreshEachRequest as a string', { refreshEachRequest: 'false' as never }, 'refreshEachRequest', /true or false/],
    ['a negative token cache size', { tokenCacheSize: -1 }, 'tokenCacheSize', /from 0 to 1000000/],
    ['a fractional token cache size', { tokenCacheSize: 2.5 }, 'tokenCacheSize', /whole number/],
    ['onInvalid not a function', { onInvalid: 'log' as never }, 'onInvalid', /function/],
  ]
  for (const [label, options, option, message] of cases) {
    test(label, () => {
      const error = configError(options)
      expect(error.option).toBe(option)
      expect(error.code).toBe('ERR_SESSION_CONFIG')
      expect(error.message).toContain(`option "${option}"`)
      expect(error.message).toMatch(message)
    })
  }

  test('sound options build a middleware', () => {
    expect(typeof session({ secret: SECRET })).toBe('function')
    expect(typeof session({ secret: new Uint8Array(32).fill(7), fallbackSecrets: [SECRET], idleTimeout: 60, absoluteTimeout: 60 })).toBe('function')
    expect(typeof session({ secret: SECRET, cookie: { name: '__Host-s', secure: true, sameSite: 'None' } })).toBe('function')
  })

  test('the secret bytes are copied: changing the caller\'s array later changes nothing', async () => {
    const bytes = new Uint8Array(32).fill(1)
    const t = sessionApp({ secret: bytes })
    bytes.fill(2)
    const token = sessionSetCookie(await t.app.request('/set?key=a&value=1'))!.value
    const { payload } = await jwtVerify(token, new Uint8Array(32).fill(1), { currentDate: new Date(t.clock.ms) })
    expect(payload.data).toEqual({ a: 1 })
  })
})
