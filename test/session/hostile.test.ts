import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test'
import { generateKeyPair, SignJWT } from 'jose'
import type { InvalidSessionReason } from 'hono-jwt-session'
import { TestClock } from 'hono-jwt-session/testing'
import { b64, b64json, claimsOf, forge, headerOf } from '../support/forge.ts'
import { OTHER_SECRET, SECRET } from '../support/secrets.ts'
import { sessionApp, sessionToken } from '../support/session-app.ts'
import { sessionSetCookie } from '../support/set-cookie.ts'

const clock = new TestClock()
const now = clock.seconds
let kid = ''
let valid = ''
const claims = (extra: Record<string, unknown> = {}, without: string[] = []) => {
  const base: Record<string, unknown> = { iat: now, exp: now + 600, aud: 'session', sid: 'A'.repeat(22), start: now, data: { user: 'admin' }, ...extra }
  for (const key of without) delete base[key]
  return base
}
const header = (extra: Record<string, unknown> = {}) => ({ alg: 'HS256', typ: 'session+jwt', kid, ...extra })

beforeAll(async () => {
  valid = await sessionToken(sessionApp().options, { user: 'user' })
  kid = headerOf(valid).kid as string
})

type Case = [label: string, reason: InvalidSessionReason, make: () => string | Promise<string>]
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)

const cases: Case[] = [
  ['an empty value', 'malformed', () => ''],
  ['a random word', 'malformed', () => 'garbage'],
  ['three dots', 'malformed', () => '...'],
  ['three parts of junk', 'malformed', () => 'a.b.c'],
  ['two parts', 'malformed', () => valid.split('.').slice(0, 2).join('.')],
  ['four parts', 'malformed', () => `${valid}.x`],
  ['a JWE-shaped value (five parts)', 'malformed', () => 'a.b.c.d.e'],
  ['the valid token truncated', 'malformed', () => valid.slice(0, -2)],
  ['a flipped signature character', 'bad-signature', () => flip(valid, valid.length - 5)],
  ['a tampered payload with the original signature', 'bad-signature', () => {
    const [h, , s] = valid.split('.')
    return `${h}.${b64json(claims())}.${s}`
  }],
  ['alg none, no signature', 'unsupported-algorithm', () => `${b64json(header({ alg: 'none' }))}.${b64json(claims())}.`],
  ['alg none with a signature', 'unsupported-algorithm', () => `${b64json(header({ alg: 'none' }))}.${b64json(claims())}.${valid.split('.')[2]}`],
  ['alg "None"', 'unsupported-algorithm', () => `${b64json(header({ alg: 'None' }))}.${b64json(claims())}.`],
  ['HS512 signed with the right secret', 'unsupported-algorithm', () => forge(header({ alg: 'HS512' }), claims(), SECRET, 'HS512')],
  ['HS384 signed with the right secret', 'unsupported-algorithm', () => forge(header({ alg: 'HS384' }), claims(), SECRET, 'HS384')],
  ['RS256 with our kid', 'unsupported-algorithm', async () => {
    const { privateKey } = await generateKeyPair('RS256')
    return new SignJWT(claims()).setProtectedHeader(header({ alg: 'RS256' }) as never).sign(privateKey)
  }],
  ['an unknown kid (another secret)', 'unknown-key', () => forge(header({ kid: 'unknown-kid1' }), claims(), OTHER_SECRET)],
  ['no kid', 'unknown-key', () => forge(header({ kid: undefined }), claims())],
  ['a numeric kid', 'unknown-key', () => forge(header({ kid: 1 }), claims())],
  ['kid "__proto__"', 'unknown-key', () => forge(header({ kid: '__proto__' }), claims())],
  ['our kid, signed with another secret', 'bad-signature', () => forge(header(), claims(), OTHER_SECRET)],
  ['an embedded jwk with our kid', 'bad-signature', () =>
    forge(header({ jwk: { kty: 'oct', k: b64(OTHER_SECRET) } }), claims(), OTHER_SECRET)],
  ['no typ', 'wrong-type', () => forge(header({ typ: undefined }), claims())],
  ['typ JWT (minted for something else)', 'wrong-type', () => forge(header({ typ: 'JWT' }), claims())],
  ['typ at+jwt (an access token)', 'wrong-type', () => forge(header({ typ: 'at+jwt' }), claims())],
  ['aud of another cookie', 'wrong-audience', () => forge(header(), claims({ aud: 'admin_session' }))],
  ['no aud', 'wrong-audience', () => forge(header(), claims({}, ['aud']))],
  ['no exp', 'invalid-claims', () => forge(header(), claims({}, ['exp']))],
  ['no iat', 'invalid-claims', () => forge(header(), claims({}, ['iat']))],
  ['no sid', 'invalid-claims', () => forge(header(), claims({}, ['sid']))],
  ['no start', 'invalid-claims', () => forge(header(), claims({}, ['start']))],
  ['no data', 'invalid-claims', () => forge(header(), claims({}, ['data']))],
  ['data as an array', 'invalid-claims', () => forge(header(), claims({ data: [1] }))],
  ['data as a string', 'invalid-claims', () => forge(header(), claims({ data: 'user' }))],
  ['data null', 'invalid-claims', () => forge(header(), claims({ data: null }))],
  ['exp as a string', 'invalid-claims', () => forge(header(), claims({ exp: String(now + 600) }))],
  ['a fractional iat', 'invalid-claims', () => forge(header(), claims({ iat: now + 0.5 }))],
  ['a malformed sid', 'invalid-claims', () => forge(header(), claims({ sid: 'short' }))],
  ['permanent: "yes"', 'invalid-claims', () => forge(header(), claims({ permanent: 'yes' }))],
  ['start after iat', 'invalid-claims', () => forge(header(), claims({ start: now + 1 }))],
  ['expired', 'expired', () => forge(header(), claims({ iat: now - 1200, start: now - 1200, exp: now - 600 }))],
  ['past the idle timeout, exp still ahead', 'expired', () => forge(header(), claims({ iat: now - 3600, start: now - 3600, exp: now + 3600 }))],
  ['past the absolute timeout, fresh iat', 'expired', () => forge(header(), claims({ start: now - 13 * 3600 }))],
  ['iat in the future', 'not-yet-valid', () => forge(header(), claims({ iat: now + 3600, start: now + 3600, exp: now + 4200 }))],
  ['nbf in the future', 'not-yet-valid', () => forge(header(), claims({ nbf: now + 3600 }))],
  ['a header that is not JSON', 'malformed', () => forge('{"alg":"HS256",', claims())],
  ['a payload that is a JSON array', 'malformed', () => forge(header(), '[1,2,3]')],
  ['a payload that is not JSON', 'malformed', () => forge(header(), '{"iat":')],
  ['an unknown crit extension', 'malformed', () => forge(header({ crit: ['x-ours'], 'x-ours': 1 }), claims())],
  ['b64: false', 'malformed', () => forge(header({ b64: false, crit: ['b64'] }), claims())],
  ['a 5000-character value', 'malformed', () => 'a'.repeat(5000)],
  ['a huge valid-looking token', 'malformed', () => `${b64json(header())}.${b64('x'.repeat(6000))}.sig`],
  ['percent-encoded unicode junk', 'malformed', () => encodeURIComponent('☃.☃.☃')],
  ['invalid base64url characters in the payload', 'malformed', () => valid.replace(/\./, '.$')],
  ['the signature re-encoded with other trailing bits (same bytes)', 'malformed', () => {
    const last = valid.at(-1)!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // The last of 43 characters carries 4 bits of the signature and 2 unused ones.
    const twin = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) + 1) & 3)]!
    return valid.slice(0, -1) + twin
  }],
  ['the signature with base64 padding', 'malformed', () => `${valid}=`],
]

describe('hostile cookies: an anonymous session, a classified reason, never an error', () => {
  const logs: unknown[] = []
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
    spyOn(console, method).mockImplementation((...args: unknown[]) => void logs.push(args)),
  )
  afterAll(() => {
    for (const spy of spies) spy.mockRestore()
  })

  test('the list is long enough', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
  })

  for (const [label, reason, make] of cases) {
    test(`${label} → ${reason}`, async () => {
      const t = sessionApp()
      const token = await make()
      const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=${token}` } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({})
      expect(t.invalid).toEqual([reason])
      expect(t.errors).toEqual([])
      expect(sessionSetCookie(res)?.attributes['max-age']).toBe('0')
      expect(logs).toEqual([])
    })
  }

  test('a repeated cookie name: a junk cookie sent first (tossed from a sibling subdomain) does not hide the valid one', async () => {
    const t = sessionApp()
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=junk; session=${valid}` } })
    expect(await res.json()).toEqual({ user: 'user' })
    expect(t.invalid).toEqual(['malformed'])
  })

  test('a repeated cookie name: a refused cookie sent first is never answered with a deletion that would remove the valid one', async () => {
    const t = sessionApp({ refreshEachRequest: false })
    const forged = await forge(header(), claims({ data: { user: 'attacker' } }), OTHER_SECRET)
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=${forged}; session=${valid}` } })
    expect(await res.json()).toEqual({ user: 'user' })
    expect(t.invalid).toEqual(['bad-signature'])
    expect(res.headers.getSetCookie()).toEqual([])
  })

  test('a repeated cookie name: at most four are verified, so a header full of them costs little', async () => {
    const t = sessionApp()
    const junk = Array.from({ length: 6 }, () => `session=${valid.slice(0, -2)}AA`).join('; ')
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `${junk}; session=${valid}` } })
    expect(await res.json()).toEqual({})
    expect(t.invalid).toEqual(['bad-signature', 'bad-signature', 'bad-signature', 'bad-signature'])
  })

  test('a repeated cookie name: values beyond the four verified may be valid, so none is answered with a deletion', async () => {
    const t = sessionApp()
    const junk = Array.from({ length: 4 }, () => `session=${valid.slice(0, -2)}AA`).join('; ')
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `${junk}; session=${valid}` } })
    expect(res.headers.getSetCookie()).toEqual([])
  })

  test('a header full of unreadable values is reported once, not once per value', async () => {
    const t = sessionApp()
    const junk = Array.from({ length: 500 }, () => 'session=!').join('; ')
    await t.app.request('/get?key=user', { headers: { Cookie: junk } })
    expect(t.invalid).toEqual(['malformed'])
  })

  for (const [spelling, text] of [
    ['quoted', (token: string) => `"${token}"`],
    ['with a space before it', (token: string) => ` ${token}`],
    // (a space at the very end of the header is trimmed by the Fetch API itself, so another cookie follows)
    ['with a space after it', (token: string) => `${token} ; theme=dark`],
    ['with its dots percent-encoded', (token: string) => token.replaceAll('.', '%2E')],
  ] as const) {
    test(`the valid token ${spelling} is not the token: one session, one spelling`, async () => {
      const t = sessionApp()
      const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=${text(valid)}` } })
      expect(await res.json()).toEqual({})
      expect(t.invalid).toEqual(['malformed'])
    })
  }

  test('a valid token followed by junk copies is accepted', async () => {
    const t = sessionApp()
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `session=${valid}; session=junk` } })
    expect(await res.json()).toEqual({ user: 'user' })
  })

  test('the control: the untouched token is accepted', async () => {
    const t = sessionApp()
    const res = await t.app.request('/get?key=user', { headers: { Cookie: `other=1; session=${valid}` } })
    expect(await res.json()).toEqual({ user: 'user' })
    expect(t.invalid).toEqual([])
  })

  test('a hostile cookie followed by a write gets a fresh session, never the attacker\'s data', async () => {
    const t = sessionApp()
    const forged = await forge(header(), claims(), OTHER_SECRET)
    const res = await t.app.request('/set?key=cart&value=[]', { headers: { Cookie: `session=${forged}` } })
    const token = sessionSetCookie(res)!.value
    const payload = claimsOf(token)
    expect(payload.data).toEqual({ cart: [] })
    expect(payload.sid).not.toBe('A'.repeat(22))
  })
})
