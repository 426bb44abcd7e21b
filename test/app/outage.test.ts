// The demo while its revocation store cannot be reached: pages and the API answer 503 with Retry-After
// (never a 500), and a logout that could not be recorded says so and leaves no "logged out" flag.
import { describe, expect, test } from 'bun:test'
import { TestClock } from 'hono-jwt-session/testing'
import { createApp } from '../../src/app/app.ts'
import { loadConfig } from '../../src/app/config.ts'
import { FaultyStore } from '../support/faulty-store.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { form } from '../support/shop.ts'

/** The demo as an entry file builds it, with `store` as its shared revocation store. */
async function loggedInDemo() {
  const store = new FaultyStore()
  const clock = new TestClock()
  const config = loadConfig({ SESSION_SECRET: SECRET }, { sharedStore: () => ({ store, description: 'faulty' }) })
  const app = createApp({ ...config, session: { ...config.session, clock: clock.now }, log: { warn: () => {}, error: () => {} } })
  const jar = new StrictCookieJar()
  await jar.request(app, '/login', form({ username: 'user', password: 'password' }))
  return { app, clock, store, jar }
}

/** Logged in, then the store goes down and the session's last check is older than the outage grace. */
async function outage() {
  const demo = await loggedInDemo()
  demo.store.mode = 'down'
  demo.clock.advance(61)
  return demo
}

describe('while the revocation store is down', () => {
  test('an HTML page for a session not confirmed recently is a 503 page with Retry-After, never a 500', async () => {
    const { app, jar } = await outage()
    const res = await jar.request(app, '/')

    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(res.headers.get('Content-Type')).toStartWith('text/html')
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    expect(await res.text()).toContain('cannot be checked right now')
  })

  test('the API answers 503 as JSON, with Retry-After', async () => {
    const { app, jar } = await outage()
    const res = await jar.request(app, '/api/me')

    expect(res.status).toBe(503)
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(await res.json()).toEqual({ error: expect.stringContaining('cannot be checked') })
  })

  test('the 503 is private and varies on Cookie: it is about this visitor', async () => {
    const { app, jar } = await outage()
    const res = await jar.request(app, '/')

    expect(res.headers.get('Vary')).toContain('Cookie')
    expect(res.headers.get('Cache-Control')).toContain('private')
  })

  test('a logout that cannot be recorded is a 503 with no "logged out" flag and the session cookie kept', async () => {
    const { app, clock, store, jar } = await loggedInDemo()
    store.mode = 'down'
    clock.advance(1)
    const res = await jar.request(app, '/logout', form({}))

    expect(res.status).toBe(503)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(jar.get('session')).toBeDefined()
  })

  test('service resumes when the store answers again', async () => {
    const { app, clock, store, jar } = await outage()
    expect((await jar.request(app, '/api/me')).status).toBe(503)
    store.mode = 'up'
    clock.advance(3)

    expect((await jar.request(app, '/api/me')).status).toBe(200)
  })
})
