import { describe, expect, test } from 'bun:test'
import { sessionCookie, type CookieJar } from 'hono-jwt-session/testing'
import { claimsOf } from '../support/forge.ts'
import { sessionApp, type SessionApp } from '../support/session-app.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'

/** What the app reads under "user" for this jar: `{ user: 'u' }` while the session lives, `{}` once it ended. */
const check = async (t: SessionApp, jar: CookieJar) => (await jar.request(t.app, '/get?key=user')).json()

/** The cookie of a session { user: 'u' } for `t`, issued now. */
const userCookie = (t: SessionApp) => sessionCookie(t.options, { user: 'u' })

describe('idle timeout (sliding)', () => {
  /** A session used five times, 599 s apart: what each use read, and the app and jar after. */
  async function usedEvery599s() {
    const t = sessionApp({ idleTimeout: 600, absoluteTimeout: 7200, clockTolerance: 0 })
    const jar = new StrictCookieJar().set(await userCookie(t))
    const reads: unknown[] = []
    for (let i = 0; i < 5; i++) {
      t.clock.advance(599)
      reads.push(await check(t, jar))
    }
    return { t, jar, reads }
  }

  test('a session used within each idle window lives on, past the idle timeout from its start', async () => {
    const { reads } = await usedEvery599s()
    expect(reads).toEqual(Array(5).fill({ user: 'u' }))
  })

  test('a session left idle for the idle timeout after its last use ends as expired', async () => {
    const { t, jar } = await usedEvery599s()
    t.clock.advance(600)
    expect(await check(t, jar)).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })

  test('the idle timeout is enforced from the signed iat, not only exp', async () => {
    // A token minted under a longer idle timeout is cut short when the server's idle timeout shrinks.
    const long = sessionApp({ idleTimeout: 3600 })
    const jar = new StrictCookieJar().set(await userCookie(long))
    const short = sessionApp({ idleTimeout: 600, clockTolerance: 0 })
    short.clock.advance(601)
    expect(await check(short, jar)).toEqual({})
    expect(short.invalid).toEqual(['expired'])
  })

  test('expiry is exact: the clock tolerance does not stretch the idle timeout', async () => {
    const t = sessionApp({ idleTimeout: 2, absoluteTimeout: 10, clockTolerance: 5 })
    const cookie = await userCookie(t)
    const jar = new StrictCookieJar().set(cookie)
    t.clock.advance(1)
    expect(await check(t, jar)).toEqual({ user: 'u' })
    jar.set(cookie)
    t.clock.advance(1)
    expect(await check(t, jar)).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })
})

describe('absolute timeout', () => {
  /** A session used every 500 s until just before its 3000 s absolute timeout: each use's read and exp. */
  async function usedEvery500s() {
    const t = sessionApp({ idleTimeout: 600, absoluteTimeout: 3000 })
    const jar = new StrictCookieJar().set(await userCookie(t))
    const start = claimsOf(jar.get('session')!).start as number
    const uses: { read: unknown; exp: unknown; expected: number }[] = []
    for (let elapsed = 500; elapsed < 3000; elapsed += 500) {
      t.clock.advance(500)
      const read = await check(t, jar)
      uses.push({ read, exp: claimsOf(jar.get('session')!).exp, expected: Math.min(t.clock.seconds + 600, start + 3000) })
    }
    return { t, jar, uses }
  }

  test('an active session lives on, and its exp never passes start + absolute timeout', async () => {
    const { uses } = await usedEvery500s()
    for (const { read, exp, expected } of uses) {
      expect(read).toEqual({ user: 'u' })
      expect(exp).toBe(expected)
    }
  })

  test('however active, a session ends at start + absolute timeout', async () => {
    const { t, jar } = await usedEvery500s()
    t.clock.advance(500)
    expect(await check(t, jar)).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })

  test('regenerate() restarts the absolute timeout', async () => {
    const t = sessionApp({
      idleTimeout: 600,
      absoluteTimeout: 1000,
      routes: { '/login': (c) => (c.var.session.regenerate(), c.text('ok')) },
    })
    const jar = new StrictCookieJar().set(await userCookie(t))
    t.clock.advance(500)
    await jar.request(t.app, '/login')
    t.clock.advance(500)
    expect(await check(t, jar)).toEqual({ user: 'u' })
    t.clock.advance(400)
    // 1400 s after the first start, 900 s after the login: still inside the 1000 s absolute window.
    expect(await check(t, jar)).toEqual({ user: 'u' })
    t.clock.advance(100)
    expect(await check(t, jar)).toEqual({})
  })
})

describe('a request that takes time', () => {
  test('regenerate() after the clock ticked during the request still gives a token the next request accepts', async () => {
    // Found in the browser: a login slowed by password hashing crossed a second boundary, and the
    // new start time fell after the token's iat, so the fresh session was refused.
    const t = sessionApp({
      clockTolerance: 0,
      routes: {
        '/slow-login': (c) => {
          t.clock.advance(1.5)
          c.var.session.regenerate()
          c.var.session.set('user', 'u')
          return c.text('ok')
        },
      },
    })
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/slow-login')
    const claims = claimsOf(jar.get('session')!)
    expect(claims.start).toBe(claims.iat as number)
    expect(await check(t, jar)).toEqual({ user: 'u' })
    expect(t.invalid).toEqual([])
  })
})

describe('clock jumps', () => {
  test('a clock set back by the tolerance keeps the session', async () => {
    const t = sessionApp({ clockTolerance: 5 })
    const jar = new StrictCookieJar().set(await userCookie(t))
    t.clock.advance(-5)
    expect(await check(t, jar)).toEqual({ user: 'u' })
  })

  test('a clock set back further than the tolerance refuses the session as not yet valid', async () => {
    const t = sessionApp({ clockTolerance: 5 })
    const jar = new StrictCookieJar().set(await userCookie(t))
    t.clock.advance(-15)
    expect(await check(t, jar)).toEqual({})
    expect(t.invalid).toEqual(['not-yet-valid'])
  })

  test('a clock jumping far forward ends the session as expired, without an error', async () => {
    const t = sessionApp()
    const jar = new StrictCookieJar().set(await userCookie(t))
    t.clock.advance(10 * 365 * 24 * 3600)
    const res = await jar.request(t.app, '/get?key=user')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })
})
