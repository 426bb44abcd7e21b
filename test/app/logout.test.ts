// Logout in the demo, as the independent client checks it on one instance without REDIS_URL:
// the form and the JSON API, a copied cookie, "log out on all devices", and revocation turned off.
import { describe, expect, test } from 'bun:test'
import { TestClock } from 'hono-jwt-session/testing'
import { createApp } from '../../src/app/app.ts'
import { loadConfig, type Environment } from '../../src/app/config.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { form, json } from '../support/shop.ts'

/** The app as its entry file builds it from the environment (no REDIS_URL: revocations in this process). */
function demo(env: Environment = {}) {
  const clock = new TestClock()
  const config = loadConfig({ SESSION_SECRET: SECRET, ...env })
  const app = createApp({ ...config, session: { ...config.session, clock: clock.now }, log: { warn: () => {}, error: () => {} } })
  return { app, clock }
}

type Demo = ReturnType<typeof demo>

async function loggedIn({ app, clock }: Demo): Promise<StrictCookieJar> {
  const jar = new StrictCookieJar()
  await jar.request(app, '/login', form({ username: 'user', password: 'password' }))
  clock.advance(1)
  return jar
}

/** A copy of the session cookie, as an attacker who stole it holds it. */
function copy(jar: StrictCookieJar): StrictCookieJar {
  return new StrictCookieJar().set('session', jar.get('session')!)
}

async function me(t: Demo, jar: StrictCookieJar): Promise<number> {
  return (await jar.request(t.app, '/api/me')).status
}

describe('logout through the form', () => {
  test('ends a copy of the cookie too: it is anonymous on its next request', async () => {
    const t = demo()
    const browser = await loggedIn(t)
    const stolen = copy(browser)
    await browser.request(t.app, '/logout', form({}))

    expect(await me(t, stolen)).toBe(401)
  })

  test('ends a token reissued to the session before the logout, as well as the first one', async () => {
    const t = demo()
    const browser = await loggedIn(t)
    const first = copy(browser)
    t.clock.advance(5)
    await browser.request(t.app, '/api/cart')
    const reissued = copy(browser)
    await browser.request(t.app, '/logout', form({}))

    expect([await me(t, first), await me(t, reissued)]).toEqual([401, 401])
  })

  test('a copied cookie can neither check out nor keep itself alive after the logout', async () => {
    const t = demo()
    const browser = await loggedIn(t)
    await browser.request(t.app, '/api/cart/items', json('POST', { productId: 'gift-card-25' }))
    const stolen = copy(browser)
    await browser.request(t.app, '/logout', form({}))

    expect((await stolen.request(t.app, '/api/cart/checkout', { method: 'POST' })).status).toBe(401)
    expect(stolen.get('session')).toBeUndefined()
  })

  test('the home page of a logged-in user has a "Log out on all devices" button posting everywhere to /logout', async () => {
    const t = demo()
    const page = await (await (await loggedIn(t)).request(t.app, '/')).text()

    expect(page).toContain('<form method="post" action="/logout" id="logout-everywhere">')
    expect(page).toContain('<input type="hidden" name="everywhere" value="1" />')
    expect(page).toContain('Log out on all devices</button>')
  })

  test('"Log out on all devices" ends the session on the other device and leaves this one logged out', async () => {
    const t = demo()
    const [laptop, phone] = [await loggedIn(t), await loggedIn(t)]
    const res = await laptop.request(t.app, '/logout', form({ everywhere: '1' }))

    expect(res.status).toBe(303)
    expect(laptop.get('session')).toBeUndefined()
    expect(await me(t, phone)).toBe(401)
  })

  test('a plain logout leaves the same user\'s other device logged in', async () => {
    const t = demo()
    const [laptop, phone] = [await loggedIn(t), await loggedIn(t)]
    await laptop.request(t.app, '/logout', form({}))

    expect(await me(t, phone)).toBe(200)
  })
})

describe('POST /api/logout', () => {
  test('answers 204 and deletes the cookie', async () => {
    const t = demo()
    const jar = await loggedIn(t)
    const res = await jar.request(t.app, '/api/logout', { method: 'POST' })

    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie()[0]).toContain('Max-Age=0')
    expect(jar.get('session')).toBeUndefined()
  })

  test('ends a copy of the cookie', async () => {
    const t = demo()
    const jar = await loggedIn(t)
    const stolen = copy(jar)
    await jar.request(t.app, '/api/logout', { method: 'POST' })

    expect(await me(t, stolen)).toBe(401)
  })

  test('with {"everywhere": true}, ends the other devices\' sessions', async () => {
    const t = demo()
    const [laptop, phone] = [await loggedIn(t), await loggedIn(t)]
    expect((await laptop.request(t.app, '/api/logout', json('POST', { everywhere: true }))).status).toBe(204)

    expect(await me(t, phone)).toBe(401)
  })

  test('with {"everywhere": false}, leaves them alone', async () => {
    const t = demo()
    const [laptop, phone] = [await loggedIn(t), await loggedIn(t)]
    await laptop.request(t.app, '/api/logout', json('POST', { everywhere: false }))

    expect(await me(t, phone)).toBe(200)
  })

  test('"everywhere" that is not true or false is a 400 and changes nothing', async () => {
    const t = demo()
    const jar = await loggedIn(t)
    const res = await jar.request(t.app, '/api/logout', json('POST', { everywhere: 'yes' }))

    expect(res.status).toBe(400)
    expect(await me(t, jar)).toBe(200)
  })

  test('a request another site makes is refused with 403 and logs nobody out', async () => {
    const t = demo()
    const jar = await loggedIn(t)
    const res = await jar.request(t.app, '/api/logout', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } })

    expect(res.status).toBe(403)
    expect(await me(t, jar)).toBe(200)
  })

  test('an anonymous visitor gets 204 too, with nothing to delete', async () => {
    const res = await demo().app.request('/api/logout', { method: 'POST' })

    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe('with SESSION_REVOCATION=false', () => {
  test('there is no "Log out on all devices" button', async () => {
    const t = demo({ SESSION_REVOCATION: 'false' })
    const page = await (await (await loggedIn(t)).request(t.app, '/')).text()

    expect(page).not.toContain('logout-everywhere')
  })

  test('asking for it anyway is a 409 that says why, and nobody is logged out', async () => {
    const t = demo({ SESSION_REVOCATION: 'false' })
    const jar = await loggedIn(t)
    const res = await jar.request(t.app, '/api/logout', json('POST', { everywhere: true }))

    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ error: expect.stringContaining('SESSION_REVOCATION=false') })
    expect(await me(t, jar)).toBe(200)
  })

  test('a plain logout still deletes the cookie in that browser, and a copy stays valid (as documented)', async () => {
    const t = demo({ SESSION_REVOCATION: 'false' })
    const jar = await loggedIn(t)
    const stolen = copy(jar)
    await jar.request(t.app, '/logout', form({}))

    expect(jar.get('session')).toBeUndefined()
    expect(await me(t, stolen)).toBe(200)
  })
})
