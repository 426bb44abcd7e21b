// Property-based tests (fast-check). 10,000 generated cases per run in all. The seed comes from the
// commit (see runSeed); a failure prints it, and FC_SEED=<seed> replays the same cases.
import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { base64url } from 'jose'
import { MAX_COOKIE_BYTES, SessionTooLargeError, type InvalidSessionReason } from 'hono-jwt-session'
import { TestClock } from 'hono-jwt-session/testing'
import { b64, forge, headerOf, hmac } from '../support/forge.ts'
import { OTHER_SECRET, SECRET } from '../support/secrets.ts'
import { runSeed } from '../support/seed.ts'
import { sessionApp, sessionToken } from '../support/session-app.ts'
import { sessionSetCookie } from '../support/set-cookie.ts'

const seed = runSeed()
const settings = (numRuns: number) => ({ numRuns, seed })
const enc = new TextEncoder()

/** The oracle, independent of the code under test: did the configured key sign this exact text with HS256? */
async function signedByUs(token: string): Promise<boolean> {
  const parts = token.split('.')
  if (parts.length !== 3) return false
  let alg: unknown
  try {
    alg = JSON.parse(new TextDecoder().decode(base64url.decode(parts[0]!))).alg
  } catch {
    return false
  }
  return alg === 'HS256' && (await hmac('HS256', enc.encode(SECRET), `${parts[0]}.${parts[1]}`)) === parts[2]
}

describe('properties', () => {
  test('random and mutated cookies: never an error, never a 5xx, never a token our key did not sign', async () => {
    const t = sessionApp()
    const now = t.clock.seconds
    const valid = await sessionToken(t.options, { user: 'user' })
    const [h, p, s] = valid.split('.') as [string, string, string]
    const kid = headerOf(valid).kid as string
    const claims = { iat: now, exp: now + 600, aud: 'session', sid: 'B'.repeat(22), start: now, data: { user: 'mallory' } }
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

    const token = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc.string({ unit: 'binary', maxLength: 200 }).map(encodeURIComponent),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 63 })).map(([at, c]) => {
        const i = at % valid.length
        return valid.slice(0, i) + B64[c] + valid.slice(i + 1)
      }),
      fc.nat().map((n) => valid.slice(0, n % valid.length)),
      fc.tuple(fc.nat(), fc.string({ maxLength: 8 })).map(([at, text]) => valid.slice(0, at % valid.length) + text + valid.slice(at % valid.length)),
      fc.constant(valid.replace(/-/g, '+').replace(/_/g, '/') + '=='),
      fc
        .record({
          alg: fc.constantFrom('HS256', 'HS384', 'HS512', 'none', 'None', 'RS256', '', 'hs256'),
          typ: fc.option(fc.constantFrom('session+jwt', 'JWT', 'at+jwt', '')),
          kid: fc.option(fc.oneof(fc.constant(kid), fc.string())),
          crit: fc.option(fc.array(fc.string(), { maxLength: 2 })),
        })
        .map((header) => `${b64(JSON.stringify(header))}.${p}.${s}`),
      fc
        .tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => `${h}.${b64(JSON.stringify({ ...claims, [k]: v }))}.${s}`),
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.constantFrom('HS256', 'HS384', 'HS512') as fc.Arbitrary<'HS256' | 'HS384' | 'HS512'>)
        .chain(([secret, alg]) =>
          fc.constant(null).map(() => ({ secret: new Uint8Array(secret), alg })),
        )
        .map(({ secret, alg }) => ({ resign: true as const, secret, alg })),
      fc.constantFrom('HS384', 'HS512').map((alg) => ({ resign: true as const, secret: enc.encode(SECRET), alg: alg as 'HS384' | 'HS512' })),
      fc.integer({ min: 4000, max: 20000 }).map((n) => 'a'.repeat(n)),
    )
    const header = fc.tuple(token, fc.constantFrom('single', 'repeated-before', 'repeated-after', 'with-others'))

    await fc.assert(
      fc.asyncProperty(header, async ([generated, shape]) => {
        let value: string
        if (typeof generated === 'string') value = generated
        else {
          value = await forge({ alg: generated.alg, typ: 'session+jwt', kid }, claims, generated.secret as Uint8Array<ArrayBuffer>, generated.alg)
        }
        const cookie = {
          single: `session=${value}`,
          'repeated-before': `session=${value}; session=${valid}`,
          'repeated-after': `session=${valid}; session=${value}`,
          'with-others': `a=1; session=${value}; b=2`,
        }[shape]
        const res = await t.app.request('/get?key=user', { headers: { Cookie: cookie } })
        expect(res.status).toBe(200)
        const body = await res.json()
        if ('user' in body) {
          // Accepted: one of the values sent under the name, exactly as sent, must be a text our key
          // signed with HS256 (several are tried in order, as a tossed cookie may come first).
          const sent = cookie.split(';').filter((pair) => pair.trimStart().startsWith('session=')).map((pair) => pair.trimStart().slice('session='.length))
          const signed = await Promise.all(sent.map(signedByUs))
          expect(signed).toContain(true)
        }
        for (const set of res.headers.getSetCookie()) expect(set.split(';')[0]!.length).toBeLessThanOrEqual(MAX_COOKIE_BYTES)
      }),
      settings(4000),
    )
    expect(t.errors).toEqual([])
  }, 120_000)

  test('any JSON value under any key survives a round trip through the cookie, or is refused as too large', async () => {
    const t = sessionApp({
      routes: {
        '/put': async (c) => {
          const entries = (await c.req.json()) as [string, never][]
          for (const [key, value] of entries) c.var.session.set(key, value)
          return c.text('ok')
        },
        '/dump': (c) => c.json([...c.var.session.entries()]),
      },
    })
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'exp', 'iat', 'sid', 'data', 'toString', ''))
    const entries = fc.uniqueArray(fc.tuple(key, fc.jsonValue({ maxDepth: 5 })), { selector: ([k]) => k, maxLength: 6 })

    await fc.assert(
      fc.asyncProperty(entries, async (pairs) => {
        t.errors.length = 0
        const put = await t.app.request('/put', { method: 'POST', body: JSON.stringify(pairs) })
        const cookie = sessionSetCookie(put)
        if (put.status === 413) {
          expect(t.errors[0]).toBeInstanceOf(SessionTooLargeError)
          expect(put.headers.getSetCookie()).toEqual([])
          return
        }
        expect(put.status).toBe(200)
        if (pairs.length === 0) return expect(cookie).toBeUndefined()
        expect(`session=${cookie!.value}`.length - 1).toBeLessThanOrEqual(MAX_COOKIE_BYTES)
        const dump = await t.app.request('/dump', { headers: { Cookie: `session=${cookie!.value}` } })
        // Same entries; their order is a JSON object's (keys like "0" come first), so compare sorted.
        const byKey = (a: [string, unknown], b: [string, unknown]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)
        const expected = pairs.map(([k, v]) => [k, JSON.parse(JSON.stringify(v))] as [string, unknown]).sort(byKey)
        expect(((await dump.json()) as [string, unknown][]).sort(byKey)).toEqual(expected)
      }),
      settings(3000),
    )
  }, 120_000)

  test('claims and clock: every combination gives exactly the documented outcome', async () => {
    const IDLE = 600
    const ABSOLUTE = 3000
    const TOLERANCE = 5
    const clock = new TestClock()
    const invalid: InvalidSessionReason[] = []
    const t = sessionApp({ idleTimeout: IDLE, absoluteTimeout: ABSOLUTE, clockTolerance: TOLERANCE, clock: clock.now, onInvalid: (r) => invalid.push(r) })
    const kid = headerOf(await sessionToken(t.options, { a: 1 })).kid
    const offset = fc.integer({ min: -2 * ABSOLUTE, max: 2 * ABSOLUTE })
    const near = fc.integer({ min: -IDLE - 20, max: IDLE + 20 })

    /** The README's rules, in the README's order; the first that applies decides. */
    function documented(c: { iat: number; exp: number; nbf?: number; start: number }, now: number): InvalidSessionReason | 'accepted' {
      if (c.nbf !== undefined && c.nbf > now + TOLERANCE) return 'not-yet-valid'
      if (c.exp <= now) return 'expired'
      if (now - c.iat >= IDLE) return 'expired'
      if (c.iat > now + TOLERANCE) return 'not-yet-valid'
      if (c.start > c.iat) return 'invalid-claims'
      if (c.start > now + TOLERANCE) return 'not-yet-valid'
      if (now >= c.start + ABSOLUTE) return 'expired'
      return 'accepted'
    }

    await fc.assert(
      fc.asyncProperty(
        fc.record({ iat: fc.oneof(near, offset), exp: fc.oneof(near, offset), nbf: fc.option(fc.oneof(near, offset), { nil: undefined }), start: fc.oneof(near, offset) }),
        fc.integer({ min: -ABSOLUTE, max: ABSOLUTE }),
        async (offsets, clockShift) => {
          const base = clock.seconds
          const claims = {
            iat: base + offsets.iat,
            exp: base + offsets.exp,
            ...(offsets.nbf === undefined ? {} : { nbf: base + offsets.nbf }),
            aud: 'session',
            sid: 'C'.repeat(22),
            start: base + offsets.start,
            data: { a: 1 },
          }
          const token = await forge({ alg: 'HS256', typ: 'session+jwt', kid }, claims, enc.encode(SECRET))
          const now = base + clockShift
          clock.ms = now * 1000
          invalid.length = 0
          const res = await t.app.request('/get?key=a', { headers: { Cookie: `session=${token}` } })
          clock.ms = base * 1000
          expect(res.status).toBe(200)
          const outcome = (await res.json()).a === 1 ? 'accepted' : invalid[0]
          expect(outcome).toBe(documented(claims, now))
        },
      ),
      settings(3000),
    )
  }, 120_000)
})

test('the oracle itself tells a signed token from a forged one', async () => {
  const valid = await sessionToken(sessionApp().options, { a: 1 })
  expect(await signedByUs(valid)).toBe(true)
  expect(await signedByUs(valid.slice(0, -1) + (valid.endsWith('A') ? 'B' : 'A'))).toBe(false)
  const other = await sessionToken(sessionApp({ secret: OTHER_SECRET }).options, { a: 1 })
  expect(await signedByUs(other)).toBe(false)
})
