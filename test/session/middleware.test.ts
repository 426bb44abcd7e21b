import { describe, expect, test } from 'bun:test'
import { stream } from 'hono/streaming'
import { TOKEN_TYPE, type SessionData } from 'hono-jwt-session'
import { sessionCookie } from 'hono-jwt-session/testing'
import { jwtVerify } from 'jose'
import { claimsOf, headerOf } from '../support/forge.ts'
import { SECRET } from '../support/secrets.ts'
import { sessionApp, sessionToken, type SessionAppOptions } from '../support/session-app.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'

/** An app and a jar that already holds a session with `data` for it. */
async function visitorWith(data: SessionData, options: SessionAppOptions = {}) {
  const t = sessionApp(options)
  const jar = new StrictCookieJar().set(await sessionCookie(t.options, data))
  return { ...t, jar }
}

describe('writing only what is needed', () => {
  test('an anonymous visitor who never touches the session gets no cookie, no Vary and no Cache-Control', async () => {
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

  describe('storing a value', () => {
    const store = () => sessionApp({ cookie: { secure: true } }).app.request('/set?key=username&value="user"')

    test('sets one cookie, named __Host-session when Secure, with Path=/, HttpOnly, Secure and SameSite=Lax', async () => {
      const res = await store()
      expect(res.headers.getSetCookie()).toHaveLength(1)
      // With Secure, the default name carries the __Host- prefix: no sibling subdomain can toss a cookie under it.
      const cookie = sessionSetCookie(res, '__Host-session')!
      expect(cookie.attributes).toEqual({ path: '/', httponly: true, secure: true, samesite: 'Lax' })
    })

    test('marks the response private and varying on Cookie', async () => {
      const res = await store()
      expect(res.headers.get('Cache-Control')).toBe('private, no-store')
      expect(res.headers.get('Vary')).toBe('Cookie')
    })
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
  /** A token the middleware issues for { username: 'user' }, with the clock it was issued by. */
  async function issued() {
    const { app, clock } = sessionApp({ idleTimeout: 900, absoluteTimeout: 3600 })
    const token = sessionSetCookie(await app.request('/set?key=username&value="user"'))!.value
    return { token, clock }
  }

  test('is a compact JWS whose header is HS256, typ session+jwt and a 12-character kid', async () => {
    const { token } = await issued()
    expect(token.split('.')).toHaveLength(3)
    expect(headerOf(token)).toEqual({ alg: 'HS256', typ: TOKEN_TYPE, kid: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/) })
  })

  test('carries exactly the documented claims: iat, exp, aud, sid, start and data', async () => {
    const { token, clock } = await issued()
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

  describe('the kid depends only on the secret, so every process agrees', () => {
    const kid = async (options: SessionAppOptions = {}) =>
      headerOf(sessionSetCookie(await sessionApp(options).app.request('/set?key=a&value=1'))!.value).kid

    test('two middlewares with the same secret give the same kid', async () => {
      expect(await kid()).toBe(await kid())
    })

    test('another secret gives another kid', async () => {
      expect(await kid()).not.toBe(await kid({ secret: 'a-different-secret-of-at-least-32-bytes!' }))
    })
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

describe('reissue policy: by default, every request', () => {
  /** A visitor's session, and the response to a request 10 s later that never reads it. */
  async function untouchedAfter10s() {
    const { app, clock, jar } = await visitorWith({ a: 1 }, { idleTimeout: 600 })
    const first = jar.get('session')!
    clock.advance(10)
    const res = await jar.request(app, '/noop')
    return { res, first, reissued: jar.get('session')!, clock }
  }

  test('with a valid session gets a fresh token with a new expiry, even one that never reads it', async () => {
    const { res, first, reissued, clock } = await untouchedAfter10s()
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(reissued).not.toBe(first)
    expect(claimsOf(reissued).exp).toBe(clock.seconds + 600)
  })

  test('continues the same session: the fresh token keeps its id and start time', async () => {
    const { first, reissued } = await untouchedAfter10s()
    expect(claimsOf(reissued).sid).toBe(claimsOf(first).sid)
    expect(claimsOf(reissued).start).toBe(claimsOf(first).start)
  })

  test('that reissues the token is marked private and varying on Cookie', async () => {
    const { res } = await untouchedAfter10s()
    expect(res.headers.get('Vary')).toBe('Cookie')
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
  })
})

describe('reissue policy: refreshEachRequest: false', () => {
  const visitor = () => visitorWith({ a: 1 }, { idleTimeout: 600, refreshEachRequest: false })

  test('a read in the first half of the idle window is answered without a new token, varying on Cookie', async () => {
    const { app, clock, jar } = await visitor()
    clock.advance(299)
    const res = await jar.request(app, '/get?key=a')
    expect(await res.json()).toEqual({ a: 1 })
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a request that never reads the session does not vary on Cookie', async () => {
    const { app, clock, jar } = await visitor()
    clock.advance(299)
    const res = await jar.request(app, '/noop')
    expect(res.headers.get('Vary')).toBeNull()
  })

  /** The visitor changes the session 299 s in; the response, and what the visitor can do next. */
  async function changedAt299() {
    const { app, clock, jar } = await visitor()
    clock.advance(299)
    const res = await jar.request(app, '/set?key=a&value=2')
    return { app, clock, jar, res }
  }

  test('a change is reissued at once', async () => {
    const { res } = await changedAt299()
    expect(res.headers.getSetCookie()).toHaveLength(1)
  })

  test('an untouched session is not reissued before half the idle window since its token was issued', async () => {
    const { app, clock, jar } = await changedAt299()
    clock.advance(299)
    expect((await jar.request(app, '/noop')).headers.getSetCookie()).toEqual([])
  })

  test('an untouched session is reissued once half the idle window since its token has passed', async () => {
    const { app, clock, jar } = await changedAt299()
    clock.advance(300)
    const res = await jar.request(app, '/noop')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(claimsOf(jar.get('session')!).iat).toBe(clock.seconds)
  })
})

describe('deletion', () => {
  /** A session in a cookie with every attribute set, then emptied: the Set-Cookie that stored it and the response that empties it. */
  async function emptied() {
    const cookie = { name: '__Secure-sess', secure: true, path: '/shop', domain: 'example.com', sameSite: 'Strict' as const }
    const { app } = sessionApp({ cookie, routes: { '/pop': (c) => c.text(String(c.var.session.pop('a'))) } })
    const jar = new StrictCookieJar()
    const issued = sessionSetCookie(await jar.request(app, '/set?key=a&value=1'), '__Secure-sess')!
    const res = await jar.request(app, '/pop')
    return { issued, res, deletion: sessionSetCookie(res, '__Secure-sess')! }
  }

  test('emptying the session deletes its cookie: an empty value, Max-Age=0 and an Expires in 1970', async () => {
    const { res, deletion } = await emptied()
    expect(await res.text()).toBe('1')
    expect(deletion.value).toBe('')
    expect(deletion.attributes['max-age']).toBe('0')
    expect(deletion.attributes.expires).toBe('Thu, 01 Jan 1970 00:00:00 GMT')
  })

  test('the deletion carries the Path, Domain, Secure, HttpOnly and SameSite the cookie was set with', async () => {
    const { issued, deletion } = await emptied()
    const { 'max-age': _a, expires: _b, ...kept } = deletion.attributes
    expect(kept).toEqual(issued.attributes)
  })

  test('a deleting response is marked private and varying on Cookie', async () => {
    const { res } = await emptied()
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a refused cookie is deleted so it stops coming back', async () => {
    const { app } = sessionApp()
    const res = await app.request('/noop', { headers: { Cookie: 'session=garbage' } })
    expect(sessionSetCookie(res)!.attributes['max-age']).toBe('0')
  })

  test('a request without a session cookie gets no deletion', async () => {
    const { app } = sessionApp()
    expect((await app.request('/noop', { headers: { Cookie: 'other=1' } })).headers.getSetCookie()).toEqual([])
  })

  test('clear() then storing again starts a new session with a new id', async () => {
    const { app, jar } = await visitorWith(
      { username: 'user' },
      {
        routes: {
          '/logout-and-flash': (c) => {
            c.var.session.clear()
            c.var.session.set('flash', 'bye')
            return c.text('ok')
          },
        },
      },
    )
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

  test('keys named like claims or methods survive the cookie, and leave the claims alone', async () => {
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

  describe('regenerate()', () => {
    /** A session holding a cart, regenerated by a login 60 s later: its claims before and after. */
    async function regenerated() {
      const { app, clock, jar } = await visitorWith(
        { cart: [1] },
        {
          routes: {
            '/login': (c) => {
              c.var.session.regenerate()
              c.var.session.set('user', 'u')
              return c.text('ok')
            },
          },
        },
      )
      const before = claimsOf(jar.get('session')!)
      clock.advance(60)
      await jar.request(app, '/login')
      return { before, after: claimsOf(jar.get('session')!), clock }
    }

    test('gives the session a new id and start time', async () => {
      const { before, after, clock } = await regenerated()
      expect(after.sid).not.toBe(before.sid)
      expect(after.start).toBe(clock.seconds)
    })

    test('keeps the data', async () => {
      const { after } = await regenerated()
      expect(after.data).toEqual({ cart: [1], user: 'u' })
    })
  })

  describe('a permanent session', () => {
    function app() {
      return sessionApp({
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
    }

    test('gets a cookie whose Max-Age is the token\'s lifetime, and a token that says permanent', async () => {
      const t = app()
      const cookie = sessionSetCookie(await new StrictCookieJar().request(t.app, '/remember'))!
      expect(cookie.attributes['max-age']).toBe('600')
      expect(claimsOf(cookie.value).permanent).toBe(true)
    })

    test('near the absolute timeout, gets a Max-Age and an exp capped by what is left of it', async () => {
      const t = app()
      const jar = new StrictCookieJar()
      await jar.request(t.app, '/remember')
      t.clock.advance(500)
      const cookie = sessionSetCookie(await jar.request(t.app, '/noop'))!
      expect(cookie.attributes['max-age']).toBe('500')
      expect(claimsOf(cookie.value).exp).toBe(t.clock.seconds + 500)
    })
  })
})

describe('errors in the handler', () => {
  /** A visitor logged in as "user" whose next request changes the session, then throws. */
  async function thrownAfterChange() {
    const { app, jar } = await visitorWith(
      { username: 'user' },
      {
        routes: {
          '/boom': (c) => {
            c.var.session.set('username', 'mallory')
            throw new Error('boom')
          },
        },
      },
    )
    return { app, jar, res: await jar.request(app, '/boom') }
  }

  test('a handler that throws after changing the session: a 500 that sends no cookie, still varying on Cookie', async () => {
    const { res } = await thrownAfterChange()
    expect(res.status).toBe(500)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  test('a handler that throws after changing the session: the changes are discarded', async () => {
    const { app, jar } = await thrownAfterChange()
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
  /** The response of a handler that stores a value and sets these headers itself. */
  function withHeaders(headers: Record<string, string>, touch: 'write' | 'read' = 'write') {
    const { app } = sessionApp({
      routes: {
        '/headers': (c) => {
          if (touch === 'write') c.var.session.set('a', 1)
          else c.var.session.get('a')
          for (const [name, value] of Object.entries(headers)) c.header(name, value)
          return c.text('ok')
        },
      },
    })
    return app.request('/headers')
  }

  test('Vary is merged with the handler\'s own', async () => {
    const res = await withHeaders({ Vary: 'Accept-Encoding', 'Cache-Control': 'public, max-age=3600' })
    expect(res.headers.get('Vary')).toBe('Accept-Encoding, Cookie')
  })

  test('a public Cache-Control from the handler is made private', async () => {
    const res = await withHeaders({ Vary: 'Accept-Encoding', 'Cache-Control': 'public, max-age=3600' })
    expect(res.headers.get('Cache-Control')).toBe('private, no-store')
  })

  test('Vary: * is left as it is', async () => {
    expect((await withHeaders({ Vary: '*' })).headers.get('Vary')).toBe('*')
  })

  test('a Vary that already names Cookie, in any case, is not repeated', async () => {
    expect((await withHeaders({ Vary: 'cookie' }, 'read')).headers.get('Vary')).toBe('cookie')
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

  test('a streamed response carries the session cookie and its whole body', async () => {
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

describe('a refused cookie on a route that throws', () => {
  test('is still deleted, so it stops coming back (a valid one would be left as it was)', async () => {
    const t = sessionApp({ routes: { '/fail': () => { throw new Error('handler failed') } } })
    const expired = await sessionToken(t.options, { user: 'u' }, { at: t.clock.ms - 3600_000, start: t.clock.ms - 3600_000 })
    const res = await t.app.request('/fail', { headers: { Cookie: `session=${expired}` } })

    expect(res.status).toBe(500)
    expect(sessionSetCookie(res)?.attributes['max-age']).toBe('0')
    expect(t.invalid).toEqual(['expired'])
  })
})
