// Revocation with the in-process store: what a logout ends, on this instance and on others sharing
// the store, how often the store is asked, and what happens when it fails or loses its data.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import {
  MemoryRevocationStore,
  session,
  SessionStoreUnavailableError,
  type InvalidSessionReason,
  type RevocationOptions,
  type SessionEnv,
  type SessionOptions,
} from 'hono-jwt-session'
import { CookieJar, TestClock } from 'hono-jwt-session/testing'
import { claimsOf } from '../support/forge.ts'
import { describeStoreContract } from '../support/store-contract.ts'
import { FaultyStore } from '../support/faulty-store.ts'
import { copy, copyThenLogout, instance, me, SECRET } from '../support/revocation-app.ts'

/** One app instance on a store that can fail, with its clock. */
function faultyShop(options?: Parameters<typeof instance>[2]) {
  const store = new FaultyStore()
  const clock = new TestClock()
  return { store, clock, shop: instance(store, clock, options) }
}

describe('logout ends the session everywhere, not only in this browser', () => {
  test('a copy of the cookie taken before logout is refused on its next request', async () => {
    const store = new MemoryRevocationStore()
    const shop = instance(store, new TestClock())
    const { stolen } = await copyThenLogout(shop)

    expect(await me(shop, stolen)).toEqual({ user: null, subject: null })
    expect(shop.invalid).toEqual(['revoked'])
    expect(stolen.get('session')).toBeUndefined()
  })

  test('a token reissued to the session before the logout is refused too: it carries the same session id', async () => {
    const clock = new TestClock()
    const shop = instance(new MemoryRevocationStore(), clock)
    const browser = new CookieJar()
    await browser.request(shop.app, '/login/ada', { method: 'POST' })
    const early = copy(browser)
    clock.advance(10)
    await browser.request(shop.app, '/me')
    const reissued = copy(browser)
    expect(reissued.get('session')).not.toBe(early.get('session'))
    await browser.request(shop.app, '/logout', { method: 'POST' })

    expect(await me(shop, early)).toEqual({ user: null, subject: null })
    expect(await me(shop, reissued)).toEqual({ user: null, subject: null })
    expect(shop.invalid).toEqual(['revoked', 'revoked'])
  })

  test('another instance sharing the store refuses the copy on its next request', async () => {
    const store = new MemoryRevocationStore()
    const clock = new TestClock()
    const [a, b] = [instance(store, clock), instance(store, clock)]
    const { stolen } = await copyThenLogout(a)

    expect(await me(b, stolen)).toEqual({ user: null, subject: null })
    expect(b.invalid).toEqual(['revoked'])
  })

  test('a new login replacing a logged-in session revokes the old one: a copy of it is refused', async () => {
    const shop = instance(new MemoryRevocationStore(), new TestClock())
    const browser = new CookieJar()
    await browser.request(shop.app, '/login/ada', { method: 'POST' })
    const before = copy(browser)
    await browser.request(shop.app, '/login/bob', { method: 'POST' })

    expect(await me(shop, browser)).toEqual({ user: 'bob', subject: 'bob' })
    expect(await me(shop, before)).toEqual({ user: null, subject: null })
    expect(shop.invalid).toEqual(['revoked'])
  })

  test('an anonymous session costs no store write when it ends, at logout or at login: visitors cannot fill the store', async () => {
    const store = new MemoryRevocationStore()
    const shop = instance(store, new TestClock())
    for (let i = 0; i < 20; i++) {
      const visitor = new CookieJar()
      await visitor.request(shop.app, '/cart', { method: 'POST' })
      await visitor.request(shop.app, '/logout', { method: 'POST' })
    }
    const shopper = new CookieJar()
    await shopper.request(shop.app, '/cart', { method: 'POST' })
    await shopper.request(shop.app, '/login/ada', { method: 'POST' })

    expect(store.size).toBe(0)
  })

  test('a copy of the anonymous cookie from before login stays anonymous: it never had the login', async () => {
    const shop = instance(new MemoryRevocationStore(), new TestClock())
    const browser = new CookieJar()
    await browser.request(shop.app, '/cart', { method: 'POST' })
    const before = copy(browser)
    await browser.request(shop.app, '/login/ada', { method: 'POST' })

    expect(await me(shop, before)).toEqual({ user: null, subject: null })
  })

  test('a revocation is kept as long as the session\'s newest token could be valid, not the whole absolute timeout', async () => {
    const store = new MemoryRevocationStore()
    const clock = new TestClock()
    const shop = instance(store, clock, {}, { idleTimeout: 600 })
    const { stolen } = await copyThenLogout(shop)
    const query = (now: number) => store.check({ sessionId: claimsOf(stolen.get('session')!).sid as string, subject: undefined, proposedEpoch: '1.x', now })

    expect((await query(clock.seconds + 600)).sessionRevoked).toBe(true)
    expect((await query(clock.seconds + 600 + 5 + 1)).sessionRevoked).toBe(false)
  })

  test("a single logout leaves the same user's other sessions alone", async () => {
    const shop = instance(new MemoryRevocationStore(), new TestClock())
    const [laptop, phone] = [new CookieJar(), new CookieJar()]
    await laptop.request(shop.app, '/login/ada', { method: 'POST' })
    await phone.request(shop.app, '/login/ada', { method: 'POST' })
    await laptop.request(shop.app, '/logout', { method: 'POST' })

    expect(await me(shop, phone)).toEqual({ user: 'ada', subject: 'ada' })
    expect(shop.invalid).toEqual([])
  })
})

describe('the subject', () => {
  test('a login that stores nothing but the subject keeps its cookie, and the subject comes back', async () => {
    const clock = new TestClock()
    const app = new Hono<SessionEnv>()
    app.use(session({ secret: SECRET, cookie: { secure: false }, clock: clock.now }))
    app.post('/login', (c) => {
      c.var.session.regenerate({ subject: 'u-42' })
      return c.text('in')
    })
    app.get('/who', (c) => c.text(c.var.session.subject ?? 'nobody'))
    const jar = new CookieJar()
    await jar.request(app, '/login', { method: 'POST' })

    expect(await (await jar.request(app, '/who')).text()).toBe('u-42')
  })

  test('clear() forgets the subject', async () => {
    const shop = instance(new MemoryRevocationStore(), new TestClock())
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    await jar.request(shop.app, '/logout', { method: 'POST' })

    expect(await me(shop, jar)).toEqual({ user: null, subject: null })
    expect(jar.get('session')).toBeUndefined()
  })
})

describe('log out everywhere', () => {
  test("ends every session of the subject, on any instance, and leaves the caller with none", async () => {
    const store = new MemoryRevocationStore()
    const clock = new TestClock()
    const [a, b] = [instance(store, clock), instance(store, clock)]
    const [laptop, phone] = [new CookieJar(), new CookieJar()]
    await laptop.request(a.app, '/login/ada', { method: 'POST' })
    await phone.request(b.app, '/login/ada', { method: 'POST' })
    clock.advance(5)
    const res = await laptop.request(a.app, '/logout?everywhere=true', { method: 'POST' })

    expect(res.headers.getSetCookie()[0]).toContain('Max-Age=0')
    expect(laptop.get('session')).toBeUndefined()
    expect(await me(b, phone)).toEqual({ user: null, subject: null })
    expect(b.invalid).toEqual(['revoked'])
  })

  test("leaves other users' sessions and anonymous sessions alone", async () => {
    const clock = new TestClock()
    const shop = instance(new MemoryRevocationStore(), clock)
    const [ada, bob, guest] = [new CookieJar(), new CookieJar(), new CookieJar()]
    await ada.request(shop.app, '/login/ada', { method: 'POST' })
    await bob.request(shop.app, '/login/bob', { method: 'POST' })
    await guest.request(shop.app, '/cart', { method: 'POST' })
    clock.advance(5)
    await ada.request(shop.app, '/logout?everywhere=true', { method: 'POST' })

    expect(await me(shop, bob)).toEqual({ user: 'bob', subject: 'bob' })
    expect(await (await guest.request(shop.app, '/cart', { method: 'POST' })).text()).toBe('ok')
    expect(guest.get('session')).toBeDefined()
    expect(shop.invalid).toEqual([])
  })

  test('a login after the cut-off is a new session and is not ended by it', async () => {
    const clock = new TestClock()
    const shop = instance(new MemoryRevocationStore(), clock)
    const laptop = new CookieJar()
    await laptop.request(shop.app, '/login/ada', { method: 'POST' })
    await laptop.request(shop.app, '/logout?everywhere=true', { method: 'POST' })
    clock.advance(1)
    await laptop.request(shop.app, '/login/ada', { method: 'POST' })

    expect(await me(shop, laptop)).toEqual({ user: 'ada', subject: 'ada' })
  })

  test('a session without a subject cannot log out everywhere: the handler gets a TypeError saying why', async () => {
    const shop = instance(new MemoryRevocationStore(), new TestClock())
    const guest = new CookieJar()
    await guest.request(shop.app, '/cart', { method: 'POST' })
    const res = await guest.request(shop.app, '/logout?everywhere=true', { method: 'POST' })

    expect(res.status).toBe(500)
    expect(String(shop.errors[0])).toContain('has no subject')
  })

  test('without the revocation option it is a configuration error, not a silent no-op', async () => {
    const clock = new TestClock()
    const app = new Hono<SessionEnv>()
    const errors: unknown[] = []
    app.use(session({ secret: SECRET, cookie: { secure: false }, clock: clock.now }))
    app.post('/login', (c) => {
      c.var.session.regenerate({ subject: 'ada' })
      return c.text('in')
    })
    app.post('/logout', (c) => {
      c.var.session.clear({ everywhere: true })
      return c.text('out')
    })
    app.onError((error, c) => {
      errors.push(error)
      return c.text('error', 500)
    })
    const jar = new CookieJar()
    await jar.request(app, '/login', { method: 'POST' })
    const res = await jar.request(app, '/logout', { method: 'POST' })

    expect(res.status).toBe(500)
    expect(String(errors[0])).toContain('option "revocation" is required for clear({ everywhere: true })')
    expect(jar.get('session')).toBeDefined()
  })
})

describe('how often the store is asked', () => {
  test('anonymous visitors with nothing stored never cost a store call', async () => {
    const { store, shop } = faultyShop()
    for (let i = 0; i < 3; i++) await shop.app.request('/me')

    expect(store.calls).toBe(0)
  })

  test('creating a session costs one call, to learn the store epoch it is stamped with', async () => {
    const { store, shop } = faultyShop()
    await new CookieJar().request(shop.app, '/cart', { method: 'POST' })

    expect(store.calls).toBe(1)
  })

  test('by default every request with a session asks the store once', async () => {
    const { store, shop } = faultyShop()
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    const afterLogin = store.calls
    for (let i = 0; i < 4; i++) await jar.request(shop.app, '/me')

    expect(store.calls - afterLogin).toBe(4)
  })

  test('with checkInterval, at most once per interval per session', async () => {
    const { store, clock, shop } = faultyShop({ checkInterval: 30 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    const afterLogin = store.calls
    for (let i = 0; i < 6; i++) {
      clock.advance(10)
      await jar.request(shop.app, '/me')
    }
    // Created at 0 (a new session counts as checked), then asked at 30 and at 60.
    expect(store.calls - afterLogin).toBe(2)
  })

  test("with checkInterval another instance's logout applies within the interval, never later", async () => {
    const store = new MemoryRevocationStore()
    const clock = new TestClock()
    const [a, b] = [instance(store, clock, { checkInterval: 30 }), instance(store, clock, { checkInterval: 30 })]
    const browser = new CookieJar()
    await browser.request(a.app, '/login/ada', { method: 'POST' })
    const stolen = copy(browser)
    clock.advance(20)
    await browser.request(a.app, '/logout', { method: 'POST' })

    expect(await me(b, stolen)).toEqual({ user: 'ada', subject: 'ada' })
    clock.advance(10)
    expect(await me(b, stolen)).toEqual({ user: null, subject: null })
  })

  test('with checkInterval the instance that revoked refuses the copy at once', async () => {
    const clock = new TestClock()
    const shop = instance(new MemoryRevocationStore(), clock, { checkInterval: 300 })
    const { stolen } = await copyThenLogout(shop)

    expect(await me(shop, stolen)).toEqual({ user: null, subject: null })
  })

  test('a revoked session, once refused, is refused again without asking the store', async () => {
    const store = new FaultyStore()
    const clock = new TestClock()
    const [a, b] = [instance(store, clock), instance(store, clock)]
    const { stolen } = await copyThenLogout(a)
    await b.app.request('/me', { headers: { Cookie: stolen.header()! } })
    const calls = store.calls
    await b.app.request('/me', { headers: { Cookie: stolen.header()! } })

    expect(store.calls).toBe(calls)
    expect(b.invalid).toEqual(['revoked', 'revoked'])
  })
})

describe('when the store fails', () => {
  test('a session confirmed within the outage grace is served without it', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 60 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    store.mode = 'down'
    clock.advance(59)

    expect(await me(shop, jar)).toEqual({ user: 'ada', subject: 'ada' })
  })

  test('a session last confirmed longer ago gets 503 with Retry-After, and keeps its cookie', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 60 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    const cookie = jar.get('session')
    store.mode = 'down'
    clock.advance(61)
    const res = await jar.request(shop.app, '/me')

    expect(res.status).toBe(503)
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(jar.get('session')).toBe(cookie)
  })

  test('a store that hangs counts as failed after the timeout', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 0, timeout: 1 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    store.mode = 'hang'
    clock.advance(1)

    expect((await jar.request(shop.app, '/me')).status).toBe(503)
  })

  test('after a failure the store is left alone for a moment: requests fail fast instead of each waiting', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 0 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    const afterLogin = store.calls
    store.mode = 'down'
    clock.advance(1)
    for (let i = 0; i < 5; i++) expect((await jar.request(shop.app, '/me')).status).toBe(503)

    expect(store.calls - afterLogin).toBe(1)
  })

  test('service resumes by itself when the store returns', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 0 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    store.mode = 'down'
    clock.advance(1)
    expect((await jar.request(shop.app, '/me')).status).toBe(503)
    store.mode = 'up'
    clock.advance(3)

    expect(await me(shop, jar)).toEqual({ user: 'ada', subject: 'ada' })
  })

  test('a logout while the store is down answers 503 and changes nothing: the logout is never silently half done', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 60 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    store.mode = 'down'
    clock.advance(1)
    const res = await jar.request(shop.app, '/logout', { method: 'POST' })

    expect(res.status).toBe(503)
    expect(jar.get('session')).toBeDefined()
  })

  // KNOWN BUG, found while building the cluster tests (test/cluster/): RevocationChecker.revokeSession() and
  // revokeSubject() (src/session/revocation/checker.ts) remember a revocation in this process before
  // the store has it, and keep it when the write fails. The 503 then did change something: this
  // instance refuses the session (or the subject's sessions) for good while every other instance
  // serves it, and a logout retried here finds nothing to revoke, answers success and writes nothing,
  // so a copy of the cookie stays valid on the other instances. Remove `.failing` once it is fixed.
  describe('a write the store refused (503) is not remembered here either', () => {
    /** Two instances on one store, and ada logged in on `a`; `down()` and `up()` switch the store. */
    async function twoInstances() {
      const store = new FaultyStore()
      const clock = new TestClock()
      const [a, b] = [instance(store, clock, { outageGrace: 60 }), instance(store, clock, { outageGrace: 60 })]
      const browser = new CookieJar()
      await browser.request(a.app, '/login/ada', { method: 'POST' })
      const down = () => {
        store.mode = 'down'
        clock.advance(1)
      }
      const up = () => {
        store.mode = 'up'
        clock.advance(3)
      }
      return { a, b, browser, down, up }
    }

    test('after a logout refused with 503, the session goes on being served by the instance that refused it', async () => {
      const { a, browser, down, up } = await twoInstances()
      down()
      expect((await browser.request(a.app, '/logout', { method: 'POST' })).status).toBe(503)
      up()

      expect(await me(a, browser)).toEqual({ user: 'ada', subject: 'ada' })
    })

    test('a logout refused with 503 and retried once the store is back ends a copy of the cookie on every instance', async () => {
      const { a, b, browser, down, up } = await twoInstances()
      const stolen = copy(browser)
      down()
      await browser.request(a.app, '/logout', { method: 'POST' })
      up()
      await browser.request(a.app, '/logout', { method: 'POST' })

      expect(await me(b, stolen)).toEqual({ user: null, subject: null })
    })

    test('"everywhere" refused with 503 and retried once the store is back ends the other device\'s session on every instance', async () => {
      const { a, b, browser, down, up } = await twoInstances()
      const phone = new CookieJar()
      await phone.request(b.app, '/login/ada', { method: 'POST' })
      down()
      await browser.request(a.app, '/logout?everywhere=true', { method: 'POST' })
      up()
      await browser.request(a.app, '/logout?everywhere=true', { method: 'POST' })

      expect(await me(b, phone)).toEqual({ user: null, subject: null })
    })
  })

  test('anonymous visitors are served while the store is down', async () => {
    const store = new FaultyStore()
    store.mode = 'down'
    const shop = instance(store, new TestClock(), { outageGrace: 0 })

    expect((await new CookieJar().request(shop.app, '/cart', { method: 'POST' })).status).toBe(200)
  })
})

describe('when the store loses its data', () => {
  test('every session checked before the loss is refused, so a revoked one cannot come back', async () => {
    const { store, clock, shop } = faultyShop()
    const [ada, bob] = [new CookieJar(), new CookieJar()]
    await ada.request(shop.app, '/login/ada', { method: 'POST' })
    await bob.request(shop.app, '/login/bob', { method: 'POST' })
    const stolen = copy(ada)
    await ada.request(shop.app, '/logout', { method: 'POST' })
    await me(shop, bob)
    store.wipe()
    clock.advance(1)
    const fresh = instance(store, clock)

    expect(await me(fresh, stolen)).toEqual({ user: null, subject: null })
    expect(await me(fresh, bob)).toEqual({ user: null, subject: null })
    expect(fresh.invalid).toEqual(['store-reset', 'store-reset'])
  })

  test('sessions that start after the loss are unaffected', async () => {
    const { store, clock, shop } = faultyShop()
    await new CookieJar().request(shop.app, '/login/old', { method: 'POST' })
    store.wipe()
    clock.advance(1)
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    clock.advance(1)

    expect(await me(shop, jar)).toEqual({ user: 'ada', subject: 'ada' })
  })

  /** Ada logs in while the store is down; 10 s later it is back, with its data or wiped. */
  async function loginDuringOutage(comesBack: 'with its data' | 'wiped') {
    const { store, clock, shop } = faultyShop()
    await new CookieJar().request(shop.app, '/cart', { method: 'POST' })
    store.mode = 'down'
    clock.advance(10)
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    if (comesBack === 'wiped') store.wipe()
    store.mode = 'up'
    clock.advance(10)
    return { shop, jar }
  }

  test('a session created while the store was down is kept when the store comes back with its data', async () => {
    const { shop, jar } = await loginDuringOutage('with its data')

    expect(await me(shop, jar)).toEqual({ user: 'ada', subject: 'ada' })
  })

  test('a session created while the store was down is refused when the store comes back without its data', async () => {
    const { shop, jar } = await loginDuringOutage('wiped')

    expect(await me(shop, jar)).toEqual({ user: null, subject: null })
    expect(shop.invalid).toEqual(['store-reset'])
  })

  test('a token from a middleware without revocation is accepted once revocation is turned on: nobody is logged out', async () => {
    const clock = new TestClock()
    const before = new Hono<SessionEnv>()
    before.use(session({ secret: SECRET, cookie: { secure: false }, clock: clock.now }))
    before.post('/login/:user', (c) => {
      c.var.session.regenerate({ subject: c.req.param('user') })
      c.var.session.set('user', c.req.param('user'))
      return c.text('in')
    })
    const jar = new CookieJar()
    await jar.request(before, '/login/ada', { method: 'POST' })
    const after = instance(new MemoryRevocationStore(), clock)

    expect(await me(after, jar)).toEqual({ user: 'ada', subject: 'ada' })
  })
})

describeStoreContract('the in-process store', async () => ({ store: new MemoryRevocationStore(), [Symbol.asyncDispose]: async () => {} }))

describe('the in-process store', () => {
  test('a revocation is kept only as long as a token of that session could be valid', async () => {
    const store = new MemoryRevocationStore()
    await store.revokeSession({ sessionId: 'A'.repeat(22), expiresAt: 1000, now: 900 })
    const query = (now: number) => store.check({ sessionId: 'A'.repeat(22), subject: undefined, proposedEpoch: '1.x', now })

    expect((await query(999)).sessionRevoked).toBe(true)
    expect((await query(1000)).sessionRevoked).toBe(false)
  })

  test('expired entries are swept, so memory follows the logouts of the last absolute timeout', async () => {
    const store = new MemoryRevocationStore()
    for (let i = 0; i < 5000; i++) await store.revokeSession({ sessionId: `s${i}`, expiresAt: 100, now: 50 })
    for (let i = 0; i < 5000; i++) await store.revokeSession({ sessionId: `t${i}`, expiresAt: 300, now: 200 })

    expect(store.size).toBeLessThanOrEqual(5000 + 1024)
  })
})

describe('revocation and the reissue policy', () => {
  test('with refreshEachRequest: false and checks on every request, an unchanged session is not reissued', async () => {
    const store = new FaultyStore()
    const clock = new TestClock()
    const shop = instance(store, clock, {}, { refreshEachRequest: false })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    clock.advance(10)
    const calls = store.calls
    const res = await jar.request(shop.app, '/me')

    expect(store.calls - calls).toBe(1)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  test('with a check interval, a session checked again is reissued, so its next requests can skip the store', async () => {
    const store = new FaultyStore()
    const clock = new TestClock()
    const shop = instance(store, clock, { checkInterval: 30 }, { refreshEachRequest: false })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    clock.advance(30)

    expect((await jar.request(shop.app, '/me')).headers.getSetCookie()).toHaveLength(1)
  })
})

describe('a logout is never half done', () => {
  test('a login whose session is too large to save (413) revokes nothing: the previous cookie stays valid', async () => {
    const store = new MemoryRevocationStore()
    const clock = new TestClock()
    const shop = instance(store, clock)
    shop.app.post('/login-big/:user', (c) => {
      c.var.session.regenerate({ subject: c.req.param('user') })
      c.var.session.set('big', 'x'.repeat(5000))
      return c.text('in')
    })
    const browser = new CookieJar()
    await browser.request(shop.app, '/login/ada', { method: 'POST' })
    const res = await browser.request(shop.app, '/login-big/bob', { method: 'POST' })

    expect(res.status).toBe(413)
    expect(await me(shop, browser)).toEqual({ user: 'ada', subject: 'ada' })
    expect(store.size).toBe(0)
  })

  test('the 503 of a store that cannot be reached is marked personal: it depends on the cookie', async () => {
    const { store, clock, shop } = faultyShop({ outageGrace: 0 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    store.mode = 'down'
    clock.advance(1)
    const res = await jar.request(shop.app, '/me')

    expect(res.status).toBe(503)
    expect(res.headers.get('Vary')).toBe('Cookie')
    expect(res.headers.get('Cache-Control')).toBe('private')
  })
})
