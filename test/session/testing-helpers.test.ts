// hono-jwt-session/testing, as a user testing their own routes relies on it.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { decodeJwt } from 'jose'
import { session, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { CookieJar, readSession, sessionCookie, TestClock } from 'hono-jwt-session/testing'

interface AppSession {
  userId?: string
  cart?: string[]
}

function app(options: SessionOptions) {
  const hono = new Hono<SessionEnv<AppSession>>()
  hono.use(session<AppSession>(options))
  hono.get('/me', (c) => c.json({ userId: c.var.session.get('userId') ?? null, subject: c.var.session.subject ?? null }))
  hono.post('/cart/:item', (c) => {
    c.var.session.setdefault('cart', []).push(c.req.param('item'))
    return c.json(c.var.session.get('cart'))
  })
  hono.post('/logout', (c) => {
    c.var.session.clear()
    c.header('Set-Cookie', 'theme=dark; Path=/')
    return c.text('bye')
  })
  return hono
}

function options(clock = new TestClock()): SessionOptions {
  return { secret: 'testing-helpers-secret-0123456789abcdef', cookie: { secure: false }, clock: clock.now }
}

describe('sessionCookie(): a logged-in user in one line', () => {
  test('the middleware accepts the session it makes', async () => {
    const opts = options()
    const res = await app(opts).request('/me', { headers: { Cookie: await sessionCookie(opts, { userId: '42' }) } })

    expect(await res.json()).toEqual({ userId: '42', subject: null })
  })

  test('with a subject, as a login with regenerate({ subject }) makes', async () => {
    const opts = options()
    const res = await app(opts).request('/me', { headers: { Cookie: await sessionCookie(opts, { userId: '42' }, { subject: 'u-42' }) } })

    expect(await res.json()).toEqual({ userId: '42', subject: 'u-42' })
  })

  test('issued at the options\' clock, so a test can make it expire', async () => {
    const clock = new TestClock()
    const opts = options(clock)
    const cookie = await sessionCookie(opts, { userId: '42' })
    clock.advance(1800)

    expect(await (await app(opts).request('/me', { headers: { Cookie: cookie } })).json()).toEqual({ userId: null, subject: null })
  })

  test('named after the configured cookie', async () => {
    const opts = { ...options(), cookie: { name: 'shop' , secure: false } }
    expect(await sessionCookie(opts, {})).toStartWith('shop=')
  })

  test('a session that starts after its token is refused', async () => {
    const clock = new TestClock()
    await expect(sessionCookie(options(clock), {}, { start: clock.ms + 1000 })).rejects.toThrow(RangeError)
  })

  test('non-JSON data is refused like session.set() refuses it', async () => {
    await expect(sessionCookie(options(), { when: new Date() } as never)).rejects.toThrow('session values must be JSON values')
  })
})

describe('CookieJar', () => {
  test('keeps what responses set and sends it back, like a browser', async () => {
    const opts = options()
    const jar = new CookieJar()
    await jar.request(app(opts), '/cart/tea', { method: 'POST' })
    const res = await jar.request(app(opts), '/cart/cake', { method: 'POST' })

    expect(await res.json()).toEqual(['tea', 'cake'])
  })

  test('forgets a cookie the response deletes and keeps the others', async () => {
    const opts = options()
    const jar = new CookieJar()
    jar.set(await sessionCookie(opts, { userId: '42' }))
    await jar.request(app(opts), '/logout', { method: 'POST' })

    expect(jar.get('session')).toBeUndefined()
    expect(jar.header()).toBe('theme=dark')
  })

  test('adds its cookies to those a request already carries', async () => {
    const opts = options()
    const jar = new CookieJar().set(await sessionCookie(opts, { userId: '42' }))
    const seen: string[] = []
    const echo = { request: (_path: string, init?: RequestInit) => (seen.push(new Headers(init?.headers).get('Cookie') ?? ''), new Response('ok')) }
    await jar.request(echo, '/', { headers: { Cookie: 'lang=en' } })

    expect(seen[0]).toStartWith('lang=en; session=')
  })
})

describe('readSession()', () => {
  test('reads the session a response stores, verified', async () => {
    const opts = options()
    const res = await app(opts).request('/cart/tea', { method: 'POST' })

    expect(await readSession(opts, res)).toEqual({ cart: ['tea'] })
  })

  test('null when the response deletes the session', async () => {
    const opts = options()
    const res = await app(opts).request('/logout', { method: 'POST', headers: { Cookie: await sessionCookie(opts, { userId: '42' }) } })

    expect(await readSession(opts, res)).toBeNull()
  })

  test('undefined when the response leaves the cookie alone', async () => {
    const opts = options()
    expect(await readSession(opts, await app(opts).request('/me'))).toBeUndefined()
  })

  test('throws, with the reason, when the cookie it sets would be refused', async () => {
    const clock = new TestClock()
    const opts = options(clock)
    const res = await app(opts).request('/cart/tea', { method: 'POST' })
    clock.advance(1800)

    await expect(readSession(opts, res)).rejects.toThrow('refused: expired')
  })
})

describe('TestClock', () => {
  test('starts at 2026-01-01 and moves only when told', () => {
    const clock = new TestClock()
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1))
    clock.advance(90.5)
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1) + 90_500)
    expect(clock.seconds).toBe(Date.UTC(2026, 0, 1) / 1000 + 90)
  })

  test('its time is the token\'s time', async () => {
    const clock = new TestClock(Date.UTC(2030, 5, 1))
    const cookie = await sessionCookie(options(clock), {})
    expect(decodeJwt(cookie.slice('session='.length)).iat).toBe(Date.UTC(2030, 5, 1) / 1000)
  })
})

describe('CookieJar with the app\'s clock', () => {
  test('a persistent cookie is dropped when its Max-Age runs out by the TestClock', async () => {
    const clock = new TestClock()
    const opts: SessionOptions = { ...options(clock), idleTimeout: 600 }
    const hono = new Hono<SessionEnv<AppSession>>()
    hono.use(session<AppSession>(opts))
    hono.post('/remember', (c) => {
      c.var.session.permanent = true
      c.var.session.set('userId', '42')
      return c.text('ok')
    })
    const jar = new CookieJar({ clock: clock.now })
    await jar.request(hono, '/remember', { method: 'POST' })
    clock.advance(599)
    expect(jar.get('session')).toBeDefined()
    clock.advance(1)

    expect(jar.get('session')).toBeUndefined()
    expect(jar.header()).toBeUndefined()
  })
})
