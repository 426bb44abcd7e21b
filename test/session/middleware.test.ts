import { describe, expect, test } from 'bun:test'
import { stream } from 'hono/streaming'
import { TOKEN_TYPE } from 'hono-jwt-session'
import { sessionCookie } from 'hono-jwt-session/testing'
import { jwtVerify } from 'jose'
import { claimsOf, headerOf } from '../support/forge.ts'
import { SECRET } from '../support/secrets.ts'
import { sessionApp, sessionToken } from '../support/session-app.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'

describe('writing only what is needed', () => {
  test('an anonymous visitor who never touches the session gets no cookie and no Vary', async () => {
    const { app } = sessionApp()
    const res = await app.request('/noop')
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBeNull()
    expect(res.headers.get('Cache-Control')).toBeNull()
  })

  test('an anonymous visitor whose session is read but left empty gets Vary: Cookie and no cookie', async () => {
    const { app } = sessionApp()
    const res = await app.request('/get?key=username')
    expect(await res.json()).toEqual({})
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('storing a value sets one cookie with safe attributes, Vary and Cache-Control', async () => {
    const { app } = sessionApp({ cookie: { secure: true } })
    const res = await app.request('/set?key=username&value="user"')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    // With Secure, the default name carries the __Host- prefix: no sibling subdomain can toss a cookie under it.
    const cookie = sessionSetCookie(res, '__Host-session')!
    expect(cookie.attributes).toEqual({ path: '/', httponly: true, secure: true, samesite: 'Lax' })
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a browser-session cookie has no Max-Age or Expires, but its token still expires', async () => {
    const { app, clock } = sessionApp({ idleTimeout: 600 })
    const cookie = sessionSetCookie(await app.request('/set?key=a&value=1'))!
    expect(cookie.attributes['max-age']).toBeUndefined()
    expect(cookie.attributes.expires).toBeUndefined()
    expect(claimsOf(cookie.value).exp).toBe(clock.seconds + 600)
  })
})

describe('the token', () => {
  test('header and claims follow the documented layout', async () => {
    const { app, clock } = sessionApp({ idleTimeout: 900, absoluteTimeout: 3600 })
    const token = sessionSetCookie(await app.request('/set?key=username&value="user"'))!.value
    expect(token.split('.')).toHaveLength(3)
    const header = headerOf(token)
    expect(header).toEqual({ alg: 'HS256', typ: TOKEN_TYPE, kid: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) })
    const claims = claimsOf(token)
    expect(Object.keys(claims).sort()).toEqual(['aud', 'data', 'exp', 'iat', 'sid', 'start'])
    expect(claims).toMatchObject({
      iat: clock.seconds,
      exp: clock.seconds + 900,
      aud: 'session',
      start: clock.seconds,
      data: { username: 'user' },
    })
    expect(claims.sid).toMatch(/^[A-Za-z0-9_-]{22}$/)
  })

  test('another service holding the secret can verify it with a plain JWT library', async () => {
    const { app, clock } = sessionApp()
    const token = sessionSetCookie(await app.request('/set?key=username&value="user"'))!.value
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      algorithms: ['HS256'],
      typ: TOKEN_TYPE,
      audience: 'session',
      currentDate: new Date(clock.ms),
    })
    expect(payload.data).toEqual({ username: 'user' })
  })

  test('the kid depends only on the secret, so every process agrees', async () => {
    const a = sessionApp()
    const b = sessionApp()
    const c = sessionApp({ secret: 'a-different-secret-of-at-least-32-bytes!' })
    const kid = async (app: typeof a.app) => headerOf(sessionSetCookie(await app.request('/set?key=a&value=1'))!.value).kid
    expect(await kid(a.app)).toBe(await kid(b.app))
    expect(await kid(a.app)).not.toBe(await kid(c.app))
  })

  test('a token is bound to its cookie name', async () => {
    const a = sessionApp({ cookie: { name: 'cart', secure: false } })
    const token = await sessionToken(a.options, { username: 'user' })
    const b = sessionApp({ cookie: { name: 'session', secure: false } })
    const res = await b.app.request('/get?key=username', { headers: { Cookie: `session=${token}` } })
    expect(await res.json()).toEqual({})
    expect(b.invalid).toEqual(['wrong-audience'])
  })
})

describe('reissue policy', () => {
  test('by default every request with a valid session gets a fresh token, even one that never reads it', async () => {
    const { app, clock, options } = sessionApp({ idleTimeout: 600 })
    const jar = new StrictCookieJar().set(await sessionCookie(options, { a: 1 }))
    const first = jar.get('session')!
    clock.advance(10)
    const res = await jar.request(app, '/noop')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(res.headers.get('Vary')).toBe('Cookie')
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    expect(jar.get('session')).not.toBe(first)
    expect(claimsOf(jar.get('session')!).exp).toBe(clock.seconds + 600)
    expect(claimsOf(jar.get('session')!).sid).toBe(claimsOf(first).sid)
    expect(claimsOf(jar.get('session')!).start).toBe(claimsOf(first).start)
  })

  test('refreshEachRequest: false reissues only on change or past half the idle window', async () => {
    const { app, clock, options } = sessionApp({ idleTimeout: 600, refreshEachRequest: false })
    const jar = new StrictCookieJar().set(await sessionCookie(options, { a: 1 }))
    clock.advance(299)
    let res = await jar.request(app, '/get?key=a')
    expect(await res.json()).toEqual({ a: 1 })
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
    res = await jar.request(app, '/noop')
    expect(res.headers.get('Vary')).toBeNull()
    res = await jar.request(app, '/set?key=a&value=2')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    clock.advance(299)
    expect((await jar.request(app, '/noop')).headers.getSetCookie()).toEqual([])
    clock.advance(1)
    res = await jar.request(app, '/noop')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(claimsOf(jar.get('session')!).iat).toBe(clock.seconds)
  })
})

describe('deletion', () => {
  test('emptying the session deletes the cookie with the same attributes', async () => {
    const cookie = { name: '__Secure-sess', secure: true, path: '/shop', domain: 'example.com', sameSite: 'Strict' as const }
    const { app } = sessionApp({ cookie })
    const jar = new StrictCookieJar()
    const res1 = await jar.request(app, '/set?key=a&value=1')
    const issued = sessionSetCookie(res1, '__Secure-sess')!
    const { app: app2 } = sessionApp({
      cookie,
      routes: { '/pop': (c) => c.text(String(c.var.session.pop('a'))) },
    })
    const res = await jar.request(app2, '/pop')
    expect(await res.text()).toBe('1')
    const deletion = sessionSetCookie(res, '__Secure-sess')!
    expect(deletion.value).toBe('')
    expect(deletion.attributes['max-age']).toBe('0')
    expect(deletion.attributes.expires).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
    const { 'max-age': _a, expires: _b, ...kept } = deletion.attributes
    expect(kept).toEqual(issued.attributes)
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a refused cookie is deleted so it stops coming back; an absent one is left alone', async () => {
    const { app } = sessionApp()
    const res = await app.request('/noop', { headers: { Cookie: 'session=garbage' } })
    expect(sessionSetCookie(res)!.attributes['max-age']).toBe('0')
    expect((await app.request('/noop', { headers: { Cookie: 'other=1' } })).headers.getSetCookie()).toEqual([])
  })

  test('clear() then storing again starts a new session with a new id', async () => {
    const { app, options } = sessionApp({
      routes: {
        '/logout-and-flash': (c) => {
          c.var.session.clear()
          c.var.session.set('flash', 'bye')
          return c.text('ok')
        },
      },
    })
    const jar = new StrictCookieJar().set(await sessionCookie(options, { username: 'user' }))
    const before = claimsOf(jar.get('session')!)
    await jar.request(app, '/logout-and-flash')
    const after = claimsOf(jar.get('session')!)
    expect(after.data).toEqual({ flash: 'bye' })
    expect(after.sid).not.toBe(before.sid)
  })
})

describe('the session over requests', () => {
  test('a value pushed into a stored array is saved', async () => {
    const { app } = sessionApp({
      routes: {
        '/add': (c) => {
          c.var.session.setdefault('cart', [])
          ;(c.var.session.get('cart') as string[]).push(c.req.query('item')!)
          return c.text('ok')
        },
      },
      refreshEachRequest: false,
    })
    const jar = new StrictCookieJar()
    await jar.request(app, '/add?item=a')
    await jar.request(app, '/add?item=b')
    expect(await (await jar.request(app, '/get?key=cart')).json()).toEqual({ cart: ['a', 'b'] })
  })

  test('keys named like claims or methods survive the cookie', async () => {
    const { app } = sessionApp()
    const jar = new StrictCookieJar()
    for (const key of ['__proto__', 'exp', 'iat', 'sid', 'data', 'constructor', 'get']) {
      await jar.request(app, `/set?key=${key}&value=${encodeURIComponent(JSON.stringify({ k: key }))}`)
    }
    for (const key of ['__proto__', 'exp', 'iat', 'sid', 'data', 'constructor', 'get']) {
      expect(await (await jar.request(app, `/get?key=${key}`)).json()).toEqual({ [key]: { k: key } })
    }
    const claims = claimsOf(jar.get('session')!)
    expect(typeof claims.exp).toBe('number')
  })

  test('regenerate() gives a new id and start time and keeps the data', async () => {
    const { app, clock, options } = sessionApp({
      routes: {
        '/login': (c) => {
          c.var.session.regenerate()
          c.var.session.set('user', 'u')
          return c.text('ok')
        },
      },
    })
    const jar = new StrictCookieJar().set(await sessionCookie(options, { cart: [1] }))
    const before = claimsOf(jar.get('session')!)
    clock.advance(60)
    await jar.request(app, '/login')
    const after = claimsOf(jar.get('session')!)
    expect(after.sid).not.toBe(before.sid)
    expect(after.start).toBe(clock.seconds)
    expect(after.data).toEqual({ cart: [1], user: 'u' })
  })

  test('permanent sessions get Max-Age = the token\'s remaining lifetime, capped by the absolute timeout', async () => {
    const { app, clock } = sessionApp({
      idleTimeout: 600,
      absoluteTimeout: 1000,
      routes: {
        '/remember': (c) => {
          c.var.session.permanent = true
          c.var.session.set('a', 1)
          return c.text('ok')
        },
      },
    })
    const jar = new StrictCookieJar()
    let cookie = sessionSetCookie(await jar.request(app, '/remember'))!
    expect(cookie.attributes['max-age']).toBe('600')
    expect(claimsOf(cookie.value).permanent).toBe(true)
    clock.advance(500)
    cookie = sessionSetCookie(await jar.request(app, '/noop'))!
    expect(cookie.attributes['max-age']).toBe('500')
    expect(claimsOf(cookie.value).exp).toBe(clock.seconds + 500)
  })
})

describe('errors in the handler', () => {
  test('a handler that throws after changing the session: changes discarded, no cookie sent', async () => {
    const { app, options } = sessionApp({
      routes: {
        '/boom': (c) => {
          c.var.session.set('username', 'mallory')
          throw new Error('boom')
        },
      },
    })
    const jar = new StrictCookieJar().set(await sessionCookie(options, { username: 'user' }))
    const res = await jar.request(app, '/boom')
    expect(res.status).toBe(500)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
    expect(await (await jar.request(app, '/get?key=username')).json()).toEqual({ username: 'user' })
  })

  test('a handler that answers with an error status: changes are saved', async () => {
    const { app } = sessionApp({
      routes: {
        '/fail': (c) => {
          c.var.session.set('attempts', 1)
          return c.text('no', 401)
        },
      },
    })
    const jar = new StrictCookieJar()
    const res = await jar.request(app, '/fail')
    expect(res.status).toBe(401)
    expect(await (await jar.request(app, '/get?key=attempts')).json()).toEqual({ attempts: 1 })
  })
})

describe('response headers', () => {
  test('Vary is merged with the handler\'s own and Cache-Control is made private', async () => {
    const { app } = sessionApp({
      routes: {
        '/cached': (c) => {
          c.var.session.set('a', 1)
          c.header('Vary', 'Accept-Encoding')
          c.header('Cache-Control', 'public, max-age=3600')
          return c.text('ok')
        },
      },
    })
    const res = await app.request('/cached')
    expect(res.headers.get('Vary')).toBe('Accept-Encoding, Cookie')
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
  })

  test('Vary: * or an existing Cookie entry is not repeated', async () => {
    const { app } = sessionApp({
      routes: {
        '/star': (c) => {
          c.var.session.set('a', 1)
          c.header('Vary', '*')
          return c.text('ok')
        },
        '/cookie': (c) => {
          c.var.session.get('a')
          c.header('Vary', 'cookie')
          return c.text('ok')
        },
      },
    })
    expect((await app.request('/star')).headers.get('Vary')).toBe('*')
    expect((await app.request('/cookie')).headers.get('Vary')).toBe('cookie')
  })

  test('a response with immutable headers still gets the cookie', async () => {
    const { app } = sessionApp({
      routes: {
        '/redirect': (c) => {
          c.var.session.set('a', 1)
          return Response.redirect('http://localhost/next', 303)
        },
      },
    })
    const res = await app.request('/redirect')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('http://localhost/next')
    expect(sessionSetCookie(res)).toBeDefined()
  })

  test('a streamed response carries the session headers and its whole body', async () => {
    const { app } = sessionApp({
      routes: {
        '/stream': (c) => {
          c.var.session.set('a', 1)
          return stream(c, async (s) => {
            await s.write('one ')
            await s.write('two')
          })
        },
      },
    })
    const res = await app.request('/stream')
    expect(sessionSetCookie(res)).toBeDefined()
    expect(await res.text()).toBe('one two')
  })

  test('other cookies the handler sets are kept beside the single session cookie', async () => {
    const { app } = sessionApp({
      routes: {
        '/both': (c) => {
          c.var.session.set('a', 1)
          c.header('Set-Cookie', 'theme=dark; Path=/', { append: true })
          return c.text('ok')
        },
      },
    })
    const res = await app.request('/both')
    expect(res.headers.getSetCookie()).toHaveLength(2)
    expect(res.headers.getSetCookie()[0]).toBe('theme=dark; Path=/')
  })
})
