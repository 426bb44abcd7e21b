import { afterEach, describe, expect, spyOn, test } from 'bun:test'
import { lazyKeyring } from '../../src/session/keyring.ts'
import { TokenCache } from '../../src/session/token/cache.ts'
import { GenerationalCache } from '../../src/session/token/generational-cache.ts'
import { verifySessionToken } from '../../src/session/token/session-token.ts'
import { b64json, claimsOf, hmac } from '../support/forge.ts'
import { OTHER_SECRET, SECRET } from '../support/secrets.ts'
import { sessionApp } from '../support/session-app.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'

/** Counts HMAC operations (jose signs and verifies HS256 through crypto.subtle). */
function hmacCounter() {
  const sign = spyOn(crypto.subtle, 'sign')
  const verify = spyOn(crypto.subtle, 'verify')
  return {
    get count() {
      return sign.mock.calls.length + verify.mock.calls.length
    },
    restore() {
      sign.mockRestore()
      verify.mockRestore()
    },
  }
}

let counter: ReturnType<typeof hmacCounter> | undefined
afterEach(() => counter?.restore())

describe('the token cache', () => {
  test('a session seen again within the same second costs no HMAC at all', async () => {
    const t = sessionApp()
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    counter = hmacCounter()
    for (let i = 0; i < 5; i++) expect(await (await jar.request(t.app, '/get?key=user')).json()).toEqual({ user: 'u' })
    expect(counter.count).toBe(0)
  })

  test('without the cache every request verifies and signs', async () => {
    const t = sessionApp({ tokenCacheSize: 0 })
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    counter = hmacCounter()
    for (let i = 0; i < 5; i++) await jar.request(t.app, '/get?key=user')
    expect(counter.count).toBe(10)
  })

  /** A session the app stored, and the token it first issued for it. */
  async function stored() {
    const t = sessionApp()
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    return { t, jar, first: jar.get('session')! }
  }

  test('the same session reissued within the same second gets the very same token', async () => {
    const { t, jar, first } = await stored()
    await jar.request(t.app, '/noop')
    expect(jar.get('session')).toBe(first)
  })

  test('the same session reissued a second later gets a new token, issued then', async () => {
    const { t, jar, first } = await stored()
    t.clock.advance(1)
    await jar.request(t.app, '/noop')
    expect(jar.get('session')).not.toBe(first)
    expect(claimsOf(jar.get('session')!).iat).toBe(t.clock.seconds)
  })

  test('times are checked again on every hit: idle timeout', async () => {
    const t = sessionApp({ idleTimeout: 600, clockTolerance: 0 })
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    const token = jar.get('session')
    t.clock.advance(599)
    expect(await (await jar.request(t.app, '/get?key=user')).json()).toEqual({ user: 'u' })
    jar.set('session', token!)
    t.clock.advance(2)
    expect(await (await jar.request(t.app, '/get?key=user')).json()).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })

  /** A session with a 1000 s absolute timeout, used every 300 s: its last token, issued at 900 s, is cached. */
  async function usedUntil900s() {
    const t = sessionApp({ idleTimeout: 600, absoluteTimeout: 1000, clockTolerance: 0 })
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    for (let i = 0; i < 3; i++) {
      t.clock.advance(300)
      await jar.request(t.app, '/noop')
    }
    return { t, jar }
  }

  test('times are checked again on every hit: absolute timeout', async () => {
    const { t, jar } = await usedUntil900s()
    t.clock.advance(100)
    expect(await (await jar.request(t.app, '/get?key=user')).json()).toEqual({})
    expect(t.invalid).toEqual(['expired'])
  })

  test('times are checked again on every hit: a clock set back before the token was issued', async () => {
    const { t, jar } = await usedUntil900s()
    t.clock.advance(-100)
    expect(await (await jar.request(t.app, '/get?key=user')).json()).toEqual({})
    expect(t.invalid).toEqual(['not-yet-valid'])
  })

  test('a token one byte away from a cached one is verified in full and refused', async () => {
    const t = sessionApp()
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    const token = jar.get('session')!
    const last = token.at(-2) === 'A' ? 'B' : 'A'
    const forged = token.slice(0, -2) + last + token.at(-1)
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=${forged}` } })
    expect(await res.json()).toEqual({})
    expect(t.invalid).toEqual(['bad-signature'])
  })

  test('each request gets its own copy of the cached data: an in-place change that was not saved does not leak', async () => {
    const t = sessionApp({
      routes: {
        '/push-then-fail': (c) => {
          ;(c.var.session.get('cart') as string[]).push('stolen')
          throw new Error('handler failed after changing the cart in place')
        },
      },
    })
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=cart&value=["a"]')
    expect((await jar.request(t.app, '/push-then-fail')).status).toBe(500)
    expect(await (await jar.request(t.app, '/get?key=cart')).json()).toEqual({ cart: ['a'] })
  })

  test('a cache belongs to one middleware: another secret never accepts its tokens', async () => {
    const a = sessionApp()
    const b = sessionApp({ secret: OTHER_SECRET })
    const jar = new StrictCookieJar()
    await jar.request(a.app, '/set?key=user&value="u"')
    expect(await (await jar.request(b.app, '/get?key=user')).json()).toEqual({})
    expect(b.invalid).toEqual(['unknown-key'])
  })

  test("another instance's token is verified in full twice, then known: a token seen once is not kept", async () => {
    const issuer = sessionApp()
    const other = sessionApp()
    const jar = new StrictCookieJar()
    await jar.request(issuer.app, '/set?key=user&value="u"')
    const cookie = `session=${jar.get('session')}`
    // A second later, so what it reissues is a new token, not this one made again.
    other.clock.advance(1)
    const verify = spyOn(crypto.subtle, 'verify')
    try {
      for (let i = 0; i < 5; i++) expect(await (await other.app.request('/get?key=user', { headers: { cookie } })).json()).toEqual({ user: 'u' })
      expect(verify.mock.calls.length).toBe(2)
    } finally {
      verify.mockRestore()
    }
  })

  /** Another session made a second later, so the tokens of the second before are known only if kept. */
  async function nextSecond(t: ReturnType<typeof sessionApp>) {
    t.clock.advance(1)
    await new StrictCookieJar().request(t.app, '/set?key=other&value=1')
  }

  test('a session is kept from its second token on: the first, which a browser that never came back left, is not', async () => {
    const t = sessionApp()
    const jar = new StrictCookieJar()
    await jar.request(t.app, '/set?key=user&value="u"')
    const first = `session=${jar.get('session')}`
    await nextSecond(t)
    counter = hmacCounter()
    await jar.request(t.app, '/noop')
    expect(counter.count).toBe(2) // the first token is not known: verified, then the second signed
    await nextSecond(t)
    const before = counter.count
    await jar.request(t.app, '/noop')
    expect(counter.count - before).toBe(1) // the second token was kept: only the third is signed
    await nextSecond(t)
    const again = counter.count
    await t.app.request('/noop', { headers: { cookie: first } })
    expect(counter.count - again).toBe(2) // still not kept (verified before, it is now: the next copy would hit)
  })

  test('the size is bounded by tokenCacheSize', async () => {
    const t = sessionApp({ tokenCacheSize: 4 })
    const jars = Array.from({ length: 6 }, () => new StrictCookieJar())
    for (const jar of jars) await jar.request(t.app, '/set?key=user&value="u"')
    // Each session's second token is kept, in this order.
    await nextSecond(t)
    for (const jar of jars) await jar.request(t.app, '/noop')
    await nextSecond(t)
    counter = hmacCounter()
    await jars[5]!.request(t.app, '/noop')
    expect(counter.count).toBe(1) // known: only the reissue signs
    // The oldest were dropped: verified in full again (and still accepted).
    expect(await (await jars[0]!.request(t.app, '/get?key=user')).json()).toEqual({ user: 'u' })
    expect(counter.count).toBe(3)
  })
})

describe('GenerationalCache', () => {
  /** A cache of 8 (four generations of 2) holding `keys`, stored in this order. */
  function holding(...keys: string[]) {
    const cache = new GenerationalCache<string>(8)
    for (const key of keys) cache.set(key, key.toUpperCase())
    return cache
  }
  const eight = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']

  test('keeps the latest entries, and always at least three quarters of its capacity', () => {
    const cache = holding(...Array.from({ length: 100 }, (_, i) => `k${i}`))
    for (let i = 94; i < 100; i++) expect(cache.peek(`k${i}`)).toBe(`K${i}`)
    expect(cache.peek('k0')).toBeUndefined()
  })

  test('drops the oldest generation whole when the youngest fills up', () => {
    const cache = holding(...eight) // a b | c d | e f | g h
    expect(cache.peek('a')).toBe('A')
    cache.set('i', 'I') // the youngest is full: a and b go
    expect(cache.peek('a')).toBeUndefined()
    expect(cache.peek('b')).toBeUndefined()
    expect(cache.peek('c')).toBe('C')
  })

  test('get keeps an entry used again: it moves to the youngest generation', () => {
    const cache = holding(...eight)
    expect(cache.get('a')).toBe('A')
    cache.set('i', 'I')
    expect(cache.peek('a')).toBe('A')
    expect(cache.peek('b')).toBeUndefined()
  })

  test('peek finds an entry without keeping it longer', () => {
    const cache = holding(...eight)
    expect(cache.peek('a')).toBe('A')
    cache.set('i', 'I')
    expect(cache.peek('a')).toBeUndefined()
  })

  test('storing a key again replaces its value', () => {
    const cache = holding('a', 'b', 'c')
    cache.set('c', 'other')
    expect(cache.get('c')).toBe('other')
  })

  test('never holds more than its capacity', () => {
    const cache = holding()
    for (let i = 0; i < 1000; i++) {
      cache.set(`k${i}`, '')
      expect(cache.size).toBeLessThanOrEqual(8)
    }
  })

  test('a capacity that is not a multiple of four is never exceeded', () => {
    const cache = new GenerationalCache<number>(7)
    for (let i = 0; i < 100; i++) {
      cache.set(`k${i}`, i)
      expect(cache.size).toBeLessThanOrEqual(7)
    }
    expect(cache.peek('k99')).toBe(99)
  })

  test('a capacity below the number of generations still holds that many', () => {
    const cache = new GenerationalCache<number>(3)
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 1)
    expect([cache.peek('b'), cache.peek('c'), cache.peek('d')]).toEqual([1, 1, 1])
    expect(cache.size).toBeLessThanOrEqual(3)
  })

  test('capacity 0 stores nothing', () => {
    const cache = new GenerationalCache<number>(0)
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })
})

describe('verifySessionToken', () => {
  test('a token with an unencoded payload (b64: false), which jose accepts, is refused every time and never cached', async () => {
    const keyring = await lazyKeyring(new TextEncoder().encode(SECRET), [])()
    const t = sessionApp()
    const issued = (await new StrictCookieJar().request(t.app, '/set?key=user&value="u"')).headers.getSetCookie()[0]!
    const claims = claimsOf(issued.slice(issued.indexOf('=') + 1, issued.indexOf(';')))
    const input = `${b64json({ alg: 'HS256', typ: 'session+jwt', kid: keyring.current.kid, b64: false, crit: ['b64'] })}.${JSON.stringify(claims)}`
    const token = `${input}.${await hmac('HS256', SECRET, input)}`
    const rules = { audience: String(claims.aud), now: Number(claims.iat), idleTimeout: 3600, absoluteTimeout: 86400, clockTolerance: 0 }
    const cache = new TokenCache(10)

    for (let i = 0; i < 3; i++) expect(await verifySessionToken(token, keyring, rules, cache)).toEqual({ ok: false, reason: 'malformed' })
  })
})
