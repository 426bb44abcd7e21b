// Findings of the security review (issue 10) on the demo app: bodies that cannot be parsed, what the app logs.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { CookieJar, sessionCookie } from 'hono-jwt-session/testing'
import { SESSION_AUDIENCE } from '../../src/app/app.ts'
import type { AppEnv } from '../../src/app/env.ts'
import { errorHandler } from '../../src/app/http/errors.ts'
import { describeError, escapeForLog } from '../../src/app/http/log.ts'
import { APP_SECRET, appWithLog, formPost } from '../support/app-with-log.ts'

function multipart(body: string, contentType = 'multipart/form-data; boundary=x'): RequestInit {
  return { method: 'POST', headers: { 'Content-Type': contentType }, body }
}

describe('a form body that cannot be parsed is 400, never a 500 with a stack trace', () => {
  const broken: [string, RequestInit][] = [
    ['no final boundary', multipart('--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nuser')],
    ['garbage after the boundary', multipart('--x\r\nbroken')],
    ['no boundary parameter', multipart('--x\r\n\r\n--x--', 'multipart/form-data')],
  ]
  for (const path of ['/login', '/cart/items', '/cart/items/gift-card-25', '/cart/items/x%0AFAKE%20LOG%20LINE']) {
    for (const [label, init] of broken) {
      test(`POST ${path}, ${label}`, async () => {
        const { app, lines } = appWithLog()
        const res = await app.request(path, init)
        expect(res.status).toBe(400)
        expect(res.headers.get('Content-Type')).toStartWith('text/html')
        expect(await res.text()).toContain('The form could not be read')
        expect(res.headers.getSetCookie()).toEqual([])
        expect(lines).toEqual([])
      })
    }
  }

  test('a well-formed multipart login still works', async () => {
    const { app } = appWithLog()
    const body = new FormData()
    body.set('username', 'user')
    body.set('password', 'password')
    const res = await app.request('/login', { method: 'POST', body })
    expect(res.status).toBe(303)
  })

  test('an oversized form is still 413, not 400', async () => {
    const { app } = appWithLog()
    const res = await app.request('/login', formPost({ username: 'user', password: 'x'.repeat(20_000) }))
    expect(res.status).toBe(413)
  })
})

describe('log lines never carry untrusted text raw', () => {
  test('line breaks, terminal escapes, separators and bidi controls are escaped; backslashes doubled', () => {
    expect(escapeForLog('/cart/items/x\nFAKE LOG LINE')).toBe('/cart/items/x\\x0aFAKE LOG LINE')
    expect(escapeForLog('a\r\nb')).toBe('a\\x0d\\x0ab')
    expect(escapeForLog('\u001b[31mred')).toBe('\\x1b[31mred')
    expect(escapeForLog('a\u2028b\u2029c\u0085d')).toBe('a\\u2028b\\u2029c\\x85d')
    expect(escapeForLog('admin\u202euser')).toBe('admin\\u202euser')
    expect(escapeForLog('C:\\x0a')).toBe('C:\\\\x0a') // an escape someone typed reads differently from one we made
    expect(escapeForLog('café ☕ /ok')).toBe('café ☕ /ok')
  })

  test('long text is cut and its length said', () => {
    const logged = escapeForLog('a'.repeat(5000))
    expect(logged).toBe(`${'a'.repeat(300)}… (5000 characters)`)
  })

  test('an error is its escaped message, then one line per stack frame', () => {
    const error = new TypeError('Unknown product: x\nFAKE LOG LINE')
    const lines = describeError(error).split('\n')
    expect(lines[0]).toBe('TypeError: Unknown product: x\\x0aFAKE LOG LINE')
    expect(lines.length).toBeGreaterThan(1)
    for (const frame of lines.slice(1)) expect(frame).toMatch(/^ {4}at /)
    expect(describeError('a string\nthrown')).toBe('a string\\x0athrown')
  })

  test('a bug (500) is logged with the escaped method and decoded path: %0A in the URL cannot forge a line', async () => {
    const lines: string[] = []
    // Under /api/ the handler answers JSON, so this app needs no session.
    const app = new Hono<AppEnv>()
    app.post('/api/cart/items/:id', () => {
      throw new Error('a bug')
    })
    app.onError(errorHandler({ warn: (line) => lines.push(line), error: (line) => lines.push(line) }))
    const res = await app.request('/api/cart/items/x%0AFAKE%20LOG%20LINE%0D%1B[2J', { method: 'POST' })
    expect(res.status).toBe(500)
    expect(lines).toHaveLength(1)
    const [first, ...frames] = lines[0]!.split('\n')
    expect(first).toBe('POST /api/cart/items/x\\x0aFAKE LOG LINE\\x0d\\x1b[2J failed: Error: a bug')
    for (const frame of frames) expect(frame).toMatch(/^ {4}at /)
  })

  test('the real app answers a request for a missing page without a log line', async () => {
    const { app, lines } = appWithLog()
    const jar = new CookieJar()
    expect((await jar.request(app, '/nowhere%0AFAKE')).status).toBe(404)
    expect(lines).toEqual([])
  })
})

describe('refused session cookies leave one log line each, never the token', () => {
  test('a token made for another audience (the library default, the cookie name) is refused as wrong-audience', async () => {
    const { app, lines, config } = appWithLog()
    const foreign = await sessionCookie({ secret: APP_SECRET, cookie: { secure: false }, clock: config.session.clock }, { username: 'user' }, { subject: 'u-1' })
    const jar = new CookieJar().set(foreign)
    const res = await jar.request(app, '/api/me')
    expect(res.status).toBe(401)
    expect(lines).toEqual(['Session cookie refused (wrong-audience): GET /api/me'])
    expect(lines.join('\n')).not.toContain(foreign.split('=')[1]!.slice(0, 20))
  })

  test(`a token for this app's own audience, ${SESSION_AUDIENCE}, is accepted without a word`, async () => {
    const { app, lines, config } = appWithLog()
    const own = await sessionCookie({ secret: APP_SECRET, cookie: { secure: false }, clock: config.session.clock, audience: SESSION_AUDIENCE }, { username: 'user' }, { subject: 'u-1' })
    const res = await new CookieJar().set(own).request(app, '/api/me')
    expect(res.status).toBe(200)
    expect(lines).toEqual([])
  })

  test('the reason and the escaped path; the cookie\'s text never appears', async () => {
    const { app, lines } = appWithLog()
    const hostile = 'not.a-token.SECRET-LOOKING'
    const res = await app.request('/cart%0AFAKE%20LOG%20LINE', { headers: { Cookie: `session=${hostile}` } })
    expect(res.status).toBe(404)
    expect(lines).toEqual(['Session cookie refused (malformed): GET /cart\\x0aFAKE LOG LINE'])
    expect(lines[0]).not.toContain('SECRET-LOOKING')
  })

  test('a login with an expired session cookie logs the refusal once and still logs in', async () => {
    const { app, lines, config, clock } = appWithLog()
    const old = await sessionCookie({ secret: APP_SECRET, cookie: { secure: false }, clock: config.session.clock, audience: SESSION_AUDIENCE }, { cart: [] })
    clock.advance(24 * 3600)
    const res = await new CookieJar().set(old).request(app, '/login', formPost({ username: 'user', password: 'password' }))
    expect(res.status).toBe(303)
    expect(lines).toEqual(['Session cookie refused (expired): POST /login'])
  })
})
