// The demo while its revocation store (Redis in production) is down: a session that cannot be checked
// gets the documented 503 with Retry-After on every kind of route (JSON, page, tutorial), a logout
// that cannot be recorded too, and never a 500; anonymous visitors are served.
import { describe, expect, test } from 'bun:test'
import { MemoryRevocationStore, type RevocationQuery, type RevocationStore, type SessionRevocation, type SubjectRevocation } from 'hono-jwt-session'
import { createApp, SESSION_AUDIENCE } from '../../src/app/app.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { form, json, loggedIn } from '../support/shop.ts'

/** A real store that a test takes down, as Redis is while it is stopped: every call fails at once. */
class Switchable implements RevocationStore {
  readonly #inner = new MemoryRevocationStore()
  up = true
  #gate<T>(call: () => Promise<T>): Promise<T> {
    return this.up ? call() : Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'))
  }
  check(query: RevocationQuery) {
    return this.#gate(() => this.#inner.check(query))
  }
  revokeSession(revocation: SessionRevocation) {
    return this.#gate(() => this.#inner.revokeSession(revocation))
  }
  revokeSubject(revocation: SubjectRevocation) {
    return this.#gate(() => this.#inner.revokeSubject(revocation))
  }
}

function demo() {
  const errors: string[] = []
  const store = new Switchable()
  const options = { secret: SECRET, cookie: { secure: false }, audience: SESSION_AUDIENCE, revocation: { store } }
  const log = { warn: () => {}, error: (line: string) => errors.push(line) }
  const app = createApp({ session: options, secureCookies: false, users: new MemoryUserStore([DEMO_USER]), log })
  return { app, options, errors, store }
}

function demoWithStoreDown() {
  const t = demo()
  t.store.up = false
  return t
}

/** A logged-in visitor whose session the store never confirmed, so the outage grace cannot serve it. */
async function unconfirmed() {
  const t = demoWithStoreDown()
  return { ...t, jar: new StrictCookieJar().set(await loggedIn(t.options)) }
}

/** A logged-in visitor whose session the store confirmed a moment before it went down: it is served. */
async function confirmed() {
  const t = demo()
  const jar = new StrictCookieJar().set(await loggedIn(t.options))
  await jar.request(t.app, '/api/me')
  t.store.up = false
  return { ...t, jar }
}

describe('a session the store cannot check', () => {
  for (const path of ['/api/me', '/', '/cart', '/test/session/check']) {
    test(`GET ${path} answers 503 with Retry-After, and nothing is logged as a bug`, async () => {
      const { app, jar, errors } = await unconfirmed()
      const res = await jar.request(app, path)

      expect([res.status, Number(res.headers.get('Retry-After')) >= 1]).toEqual([503, true])
      expect(errors).toEqual([])
    })
  }

  test('the 503 page is the anonymous layout: it shows nobody as logged in', async () => {
    const { app, jar } = await unconfirmed()
    const page = await (await jar.request(app, '/')).text()

    expect(page).toContain('try again shortly')
    expect(page).not.toContain('Logged in as')
  })

  test('the cookie is kept, to be checked again once the store is back', async () => {
    const { app, jar } = await unconfirmed()
    const cookie = jar.get('session')
    const res = await jar.request(app, '/api/me')

    expect(res.headers.getSetCookie()).toEqual([])
    expect(jar.get('session')).toBe(cookie)
  })
})

describe('a logout the store cannot record', () => {
  test('the session was confirmed recently, so it is served meanwhile', async () => {
    const { app, jar } = await confirmed()

    expect((await jar.request(app, '/api/me')).status).toBe(200)
  })

  test('POST /logout answers 503 with Retry-After', async () => {
    const { app, jar } = await confirmed()
    const res = await jar.request(app, '/logout', form({}))

    expect([res.status, Number(res.headers.get('Retry-After')) >= 1]).toEqual([503, true])
  })

  test('POST /api/logout {"everywhere": true} answers 503 with Retry-After', async () => {
    const { app, jar } = await confirmed()
    const res = await jar.request(app, '/api/logout', json('POST', { everywhere: true }))

    expect([res.status, Number(res.headers.get('Retry-After')) >= 1]).toEqual([503, true])
  })
})

describe('anonymous visitors while the store is down', () => {
  for (const path of ['/', '/products', '/cart', '/login', '/api/products']) {
    test(`GET ${path} is served`, async () => {
      expect((await demoWithStoreDown().app.request(path)).status).toBe(200)
    })
  }

  test('can start a cart', async () => {
    const jar = new StrictCookieJar()
    const res = await jar.request(demoWithStoreDown().app, '/api/cart/items', json('POST', { productId: 'gift-card-25' }))

    expect(res.status).toBe(200)
    expect(jar.get('session')).toBeDefined()
  })
})
