import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createApp, MAX_BODY_BYTES } from '../../src/app/app.ts'
import { MemoryUserStore } from '../../src/app/auth/users.ts'
import { sessionCookie, TestClock } from 'hono-jwt-session/testing'
import { claimsOf } from '../support/forge.ts'
import { OLD_SECRET, SECRET } from '../support/secrets.ts'
import { sessionApp } from '../support/session-app.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { BUN_ENTRY, startServer, type RunningServer } from '../support/server.ts'

/** A promise the test resolves when it chooses: it decides which request finishes first. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

describe('parallel requests on one session', () => {
  test('last write wins: two adds in parallel, the response that arrives last decides, the other add is lost', async () => {
    const gates = { a: gate(), b: gate() }
    const t = sessionApp({
      routes: {
        '/add': async (c) => {
          const item = c.req.query('item')!
          ;(c.var.session.setdefault('cart', []) as string[]).push(item)
          await gates[item as 'a' | 'b'].opened
          return c.text('ok')
        },
      },
    })
    const jar = new StrictCookieJar().set(await sessionCookie(t.options, { cart: ['base'] }))
    // Both leave with the same cookie; the jar keeps each answer as it arrives.
    const a = jar.request(t.app, '/add?item=a')
    const b = jar.request(t.app, '/add?item=b')
    gates.b.open()
    await b
    gates.a.open()
    await a
    expect(claimsOf(jar.get('session')!).data).toEqual({ cart: ['base', 'a'] })
  })
})

describe('a slow request that started before logout', () => {
  // The browser applies responses in the order they arrive: the slow one, answered after the logout,
  // can put the old session back. How often depends on the reissue policy.
  for (const refreshEachRequest of [true, false]) {
    test(`refreshEachRequest: ${refreshEachRequest} → the session ${refreshEachRequest ? 'comes back' : 'stays gone'}`, async () => {
      const slow = gate()
      const t = sessionApp({
        refreshEachRequest,
        routes: {
          '/slow-page': async (c) => {
            const user = c.var.session.get('user')
            await slow.opened
            return c.text(String(user))
          },
          '/logout': (c) => (c.var.session.clear(), c.text('bye')),
        },
      })
      const jar = new StrictCookieJar().set(await sessionCookie(t.options, { user: 'u' }))
      t.clock.advance(10)
      const pending = jar.request(t.app, '/slow-page')
      await jar.request(t.app, '/logout')
      expect(jar.get('session')).toBeUndefined()
      slow.open()
      await pending
      const after = await (await jar.request(t.app, '/get?key=user')).json()
      expect(after).toEqual(refreshEachRequest ? { user: 'u' } : {})
    })
  }
})

describe('secret rotation runbook', () => {
  const IDLE = 600
  const ABSOLUTE = 3600

  /**
   * Rotation at R: the new secret signs, the old one stays as a fallback until R + `keepFallback`.
   * Visitor A comes every 5 minutes; visitor B was last seen at R and comes back 5 minutes later
   * (inside the idle window), still carrying a token signed with the old secret. Returns how many live sessions were refused for their key.
   */
  async function rotate(keepFallback: number): Promise<number> {
    const clock = new TestClock()
    const options = { idleTimeout: IDLE, absoluteTimeout: ABSOLUTE, clock: clock.now }
    const before = sessionApp({ ...options, secret: OLD_SECRET })
    const during = sessionApp({ ...options, secret: SECRET, fallbackSecrets: [OLD_SECRET] })
    const after = sessionApp({ ...options, secret: SECRET })
    const [a, b] = [new StrictCookieJar(), new StrictCookieJar()]
    for (const jar of [a, b]) await jar.request(before.app, '/set?key=user&value="u"')
    const rotatedAt = clock.seconds
    const appNow = () => (clock.seconds - rotatedAt < keepFallback ? during.app : after.app)
    for (let elapsed = 300; elapsed <= ABSOLUTE + 1200; elapsed += 300) {
      clock.ms = (rotatedAt + elapsed) * 1000
      // A's session ends at its absolute timeout like any other; A logs in again then.
      if (!('user' in (await (await a.request(appNow(), '/get?key=user')).json()))) await a.request(appNow(), '/set?key=user&value="u"')
      if (elapsed === 300) await b.request(appNow(), '/get?key=user')
    }
    return [...during.invalid, ...after.invalid].filter((reason) => reason === 'unknown-key').length
  }

  test('keeping the fallback for one absolute timeout loses no live session', async () => {
    expect(await rotate(ABSOLUTE)).toBe(0)
  })

  test('dropping it at once logs out a visitor whose old-key session was still valid', async () => {
    expect(await rotate(0)).toBeGreaterThan(0)
  })
})

describe('limits', () => {
  const app = createApp({ session: { secret: SECRET }, secureCookies: false, users: new MemoryUserStore([]) })
  const body = (size: number) => {
    const json = JSON.stringify({ productId: 'gift-card-25', quantity: 1 })
    return json + ' '.repeat(size - json.length)
  }

  const post = (jar: StrictCookieJar, size: number) =>
    jar.request(app, '/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body(size) })

  test(`a body of exactly ${MAX_BODY_BYTES} bytes is read`, async () => {
    expect((await post(new StrictCookieJar(), MAX_BODY_BYTES)).status).toBe(200)
  })

  test('one byte more is 413, and the session is untouched', async () => {
    const jar = new StrictCookieJar()
    await post(jar, MAX_BODY_BYTES)
    const before = jar.get('session')
    expect(before).toBeDefined()
    const over = await post(jar, MAX_BODY_BYTES + 1)
    expect(over.status).toBe(413)
    expect(over.headers.getSetCookie()).toEqual([])
    expect(jar.get('session')).toBe(before)
  })

  describe('over HTTP, at the runtime\'s header limit', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: SECRET })
    })
    afterAll(() => server.stop())

    test('a session cookie among 12 KB of other cookies still works', async () => {
      const set = await fetch(`${server.url}/test/session/set`)
      const session = set.headers.getSetCookie()[0]!.split(';')[0]!
      const others = Array.from({ length: 120 }, (_, i) => `c${i}=${'x'.repeat(96)}`).join('; ')
      const res = await fetch(`${server.url}/test/session/check`, { headers: { Cookie: `${others}; ${session}` } })
      expect(res.status).toBe(200)
      expect(await res.text()).toBe('Logged in as user')
    })

    test('a Cookie header past the runtime\'s limit is refused by the runtime, never with a 5xx', async () => {
      const huge = 'x'.repeat(256 * 1024)
      const status = await fetch(`${server.url}/test/session/check`, { headers: { Cookie: `session=${huge}` } }).then(
        (res) => res.status,
        () => 0, // the runtime closed the connection: also not a 5xx from us
      )
      expect(status === 0 || (status >= 400 && status < 500)).toBe(true)
      // And the server is still fine afterwards.
      expect((await fetch(`${server.url}/test/session/check`)).status).toBe(200)
    })
  })
})
