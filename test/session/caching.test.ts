// What caches may keep: a response that read the session is personal (Vary: Cookie, Cache-Control:
// private), error pages included; one that sets the cookie is kept by no cache at all.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { session, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { sessionCookie } from 'hono-jwt-session/testing'

const OPTIONS: SessionOptions = { secret: 'caching-test-secret-0123456789abcdefghij', cookie: { secure: false }, refreshEachRequest: false }

function app() {
  const hono = new Hono<SessionEnv<{ user?: string }>>()
  hono.use(session(OPTIONS))
  hono.get('/hello', (c) => c.text(`Hello ${c.var.session.get('user') ?? 'stranger'}`))
  hono.get('/public', (c) => {
    c.header('Cache-Control', 'public, max-age=60')
    return c.text(`Hello ${c.var.session.get('user') ?? 'stranger'}`)
  })
  hono.get('/static', (c) => {
    c.header('Cache-Control', 'public, max-age=3600')
    return c.text('the same for everyone')
  })
  hono.get('/forbidden', (c) => {
    if (c.var.session.has('user')) throw new HTTPException(403, { message: 'Not for you' })
    return c.text('ok')
  })
  hono.notFound((c) => c.text(`Nothing here, ${c.var.session.get('user') ?? 'stranger'}`, 404))
  return hono
}

async function loggedIn(path: string): Promise<Response> {
  return app().request(path, { headers: { Cookie: await sessionCookie(OPTIONS, { user: 'ada' }) } })
}

describe('a response that read the session is personal', () => {
  test('a page showing the user is Cache-Control: private and Vary: Cookie', async () => {
    const res = await loggedIn('/hello')

    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Cache-Control')).toBe('private')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test("the handler's own caching is kept but made private: public goes, max-age stays", async () => {
    expect((await loggedIn('/public')).headers.get('Cache-Control')).toBe('private, max-age=60')
  })

  test('an error page for a logged-in user is private', async () => {
    const res = await loggedIn('/forbidden')

    expect(res.status).toBe(403)
    expect(res.headers.get('Cache-Control')).toBe('private')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a not-found page that shows the user is private', async () => {
    const res = await loggedIn('/nowhere')

    expect(res.status).toBe(404)
    expect(res.headers.get('Cache-Control')).toBe('private')
  })

  test('an anonymous visitor whose session was read gets the same headers: the page depends on the cookie', async () => {
    const res = await app().request('/hello')

    expect(res.headers.get('Cache-Control')).toBe('private')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })
})

describe('a response that never read the session is left as the handler made it', () => {
  test('public caching stays public, with no Vary', async () => {
    const res = await loggedIn('/static')

    expect(res.headers.get('Cache-Control')).toBe('public, max-age=3600')
    expect(res.headers.get('Vary')).toBeNull()
  })
})
