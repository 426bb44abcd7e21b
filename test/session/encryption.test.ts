// Confidential sessions (encrypt: true): the token is a compact JWE nobody holding the cookie can
// read, held to the same rules as a signed one; switching encryption on or off logs nobody out.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { base64url, CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose'
import { session, type InvalidSessionReason, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { CookieJar, TestClock } from 'hono-jwt-session/testing'

const SECRET = 'encryption-test-secret-0123456789abcdef'
const OLD_SECRET = 'encryption-old-secret-0123456789abcdefgh'

/** The oracle, independent of the code under test: the AES key the README says is derived from a secret. */
async function derivedKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('hono-jwt-session A256GCM session encryption') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

interface Shop {
  app: Hono<SessionEnv>
  clock: TestClock
  invalid: InvalidSessionReason[]
}

function shop(options: Partial<SessionOptions> = {}, clock = new TestClock()): Shop {
  const invalid: InvalidSessionReason[] = []
  const app = new Hono<SessionEnv>()
  app.use(session({ secret: SECRET, cookie: { secure: false }, clock: clock.now, encrypt: true, onInvalid: (r) => invalid.push(r), ...options }))
  app.get('/set', (c) => {
    c.var.session.set('username', 'ada lovelace')
    c.var.session.set('cart', [{ productId: 'darjeeling', quantity: 2 }])
    return c.text('ok')
  })
  app.get('/pad', (c) => {
    c.var.session.set('pad', 'x'.repeat(Number(c.req.query('n'))))
    return c.text('ok')
  })
  app.get('/get', (c) => c.json({ username: c.var.session.get('username') ?? null }))
  return { app, clock, invalid }
}

async function login(t: Shop): Promise<CookieJar> {
  const jar = new CookieJar()
  await jar.request(t.app, '/set')
  return jar
}

async function username(t: Shop, cookie: string): Promise<unknown> {
  return ((await (await t.app.request('/get', { headers: { Cookie: `session=${cookie}` } })).json()) as { username: unknown }).username
}

describe('an encrypted session', () => {
  test('is a compact JWE: dir + A256GCM, typ session+jwt, the key named, no encrypted key', async () => {
    const token = (await login(shop())).get('session')!
    const parts = token.split('.')

    expect(parts).toHaveLength(5)
    expect(parts[1]).toBe('')
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'dir', enc: 'A256GCM', typ: 'session+jwt', kid: expect.any(String) })
  })

  test('reads back in the next request', async () => {
    const t = shop()
    const jar = await login(t)

    expect(await (await jar.request(t.app, '/get')).json()).toEqual({ username: 'ada lovelace' })
  })

  test('shows nothing of the session to whoever holds the cookie', async () => {
    const token = (await login(shop())).get('session')!
    const decoded = token
      .split('.')
      .map((part) => new TextDecoder().decode(base64url.decode(part)))
      .join(' ')

    for (const secret of ['ada', 'lovelace', 'darjeeling', 'cart', 'username', 'sid', 'exp']) expect(decoded).not.toContain(secret)
  })

  test('opens with the key derived from the secret by HKDF-SHA-256, as the README says, and holds the same claims as a signed token', async () => {
    const t = shop()
    const token = (await login(t)).get('session')!
    const { plaintext } = await compactDecrypt(token, await derivedKey(SECRET))
    const claims = JSON.parse(new TextDecoder().decode(plaintext))

    expect(Object.keys(claims)).toEqual(['iat', 'exp', 'aud', 'sid', 'start', 'data'])
    expect(claims.data).toEqual({ username: 'ada lovelace', cart: [{ productId: 'darjeeling', quantity: 2 }] })
    expect(claims.exp).toBe(t.clock.seconds + 1800)
  })

  test('is never encrypted with the secret itself: a JWE made with the raw secret as the key is refused', async () => {
    const t = shop()
    const token = (await login(t)).get('session')!
    const { plaintext, protectedHeader } = await compactDecrypt(token, await derivedKey(SECRET))
    const raw = new TextEncoder().encode(SECRET.padEnd(32, '!').slice(0, 32))
    const forged = await new CompactEncrypt(plaintext).setProtectedHeader(protectedHeader).encrypt(raw)

    expect(await username(t, forged)).toBeNull()
    expect(t.invalid).toEqual(['decryption-failed'])
  })
})

describe('a tampered or foreign encrypted token is anonymous, with its reason', () => {
  const tamper = (token: string, index: number, edit: (part: string) => string) => {
    const parts = token.split('.')
    parts[index] = edit(parts[index]!)
    return parts.join('.')
  }
  const flip = (part: string) => (part[3] === 'A' ? 'B' : 'A') + part.slice(1, 3) + (part[3] === 'A' ? 'B' : 'A') + part.slice(4)
  const twin = (part: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(part.at(-1)!)
    // A tag is 16 bytes: 22 characters, the last of which carries 2 bits of data and 4 unused ones.
    return part.slice(0, -1) + alphabet[last ^ 1]
  }
  const forgeHeader = async (header: Record<string, unknown>, secret = SECRET) =>
    new CompactEncrypt(new TextEncoder().encode('{}')).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'session+jwt', ...header }).encrypt(await derivedKey(secret))

  const cases: [string, InvalidSessionReason, (token: string) => string | Promise<string>][] = [
    ['a changed protected header', 'decryption-failed', (t) => tamper(t, 0, (h) => base64url.encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(h))), cty: 'x' })))],
    ['an encrypted key where dir has none', 'malformed', (t) => tamper(t, 1, () => 'AAAA')],
    ['a changed iv', 'decryption-failed', (t) => tamper(t, 2, flip)],
    ['a changed ciphertext', 'decryption-failed', (t) => tamper(t, 3, flip)],
    ['a changed tag', 'decryption-failed', (t) => tamper(t, 4, flip)],
    ['the tag re-encoded with other unused bits (same bytes)', 'malformed', (t) => tamper(t, 4, twin)],
    ['four parts', 'malformed', (t) => t.split('.').slice(0, 4).join('.')],
    ['an unknown kid', 'unknown-key', () => forgeHeader({ kid: 'nobody-knows' })],
    ['no kid', 'unknown-key', () => forgeHeader({})],
    ['key wrapping instead of dir', 'unsupported-algorithm', async (t) => tamper(t, 0, () => base64url.encode(JSON.stringify({ alg: 'A256KW', enc: 'A256GCM', typ: 'session+jwt', kid: decodeProtectedHeader(t).kid })))],
    ['another content encryption', 'unsupported-algorithm', async (t) => tamper(t, 0, () => base64url.encode(JSON.stringify({ alg: 'dir', enc: 'A128GCM', typ: 'session+jwt', kid: decodeProtectedHeader(t).kid })))],
    ['another typ, encrypted with our key', 'wrong-type', async (t) => {
      const { plaintext, protectedHeader } = await compactDecrypt(t, await derivedKey(SECRET))
      return new CompactEncrypt(plaintext).setProtectedHeader({ ...protectedHeader, typ: 'JWT' }).encrypt(await derivedKey(SECRET))
    }],
    ['compressed, with our key', 'malformed', async (t) => {
      const { plaintext, protectedHeader } = await compactDecrypt(t, await derivedKey(SECRET))
      return new CompactEncrypt(plaintext).setProtectedHeader({ ...protectedHeader, zip: 'DEF' }).encrypt(await derivedKey(SECRET))
    }],
  ]
  for (const [name, reason, make] of cases) {
    test(`${name} → ${reason}`, async () => {
      const t = shop()
      const token = (await login(t)).get('session')!
      const res = await t.app.request('/get', { headers: { Cookie: `session=${await make(token)}` } })

      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ username: null })
      expect(t.invalid).toEqual([reason])
    })
  }

  test('an expired encrypted token is refused like a signed one', async () => {
    const t = shop()
    const token = (await login(t)).get('session')!
    t.clock.advance(1800)

    expect(await username(t, token)).toBeNull()
    expect(t.invalid).toEqual(['expired'])
  })
})

describe('switching and rotating', () => {
  test('turning encryption on logs nobody out: a signed token is accepted and reissued encrypted', async () => {
    const clock = new TestClock()
    const jar = await login(shop({ encrypt: false }, clock))
    expect(jar.get('session')!.split('.')).toHaveLength(3)
    const encrypted = shop({ encrypt: true, refreshEachRequest: false }, clock)

    expect(await (await jar.request(encrypted.app, '/get')).json()).toEqual({ username: 'ada lovelace' })
    expect(jar.get('session')!.split('.')).toHaveLength(5)
  })

  test('turning encryption off logs nobody out either: an encrypted token is accepted and reissued signed', async () => {
    const clock = new TestClock()
    const jar = await login(shop({ encrypt: true }, clock))
    const signed = shop({ encrypt: false, refreshEachRequest: false }, clock)

    expect(await (await jar.request(signed.app, '/get')).json()).toEqual({ username: 'ada lovelace' })
    expect(jar.get('session')!.split('.')).toHaveLength(3)
  })

  test('a token encrypted with a fallback secret is accepted and reissued with the current one', async () => {
    const clock = new TestClock()
    const jar = await login(shop({ secret: OLD_SECRET }, clock))
    const oldKid = decodeProtectedHeader(jar.get('session')!).kid
    const rotated = shop({ secret: SECRET, fallbackSecrets: [OLD_SECRET], refreshEachRequest: false }, clock)

    expect(await (await jar.request(rotated.app, '/get')).json()).toEqual({ username: 'ada lovelace' })
    expect(decodeProtectedHeader(jar.get('session')!).kid).not.toBe(oldKid)
    await compactDecrypt(jar.get('session')!, await derivedKey(SECRET))
  })

  test('a token encrypted with a secret no longer configured is refused', async () => {
    const clock = new TestClock()
    const jar = await login(shop({ secret: OLD_SECRET }, clock))
    const rotated = shop({ secret: SECRET }, clock)

    expect(await (await jar.request(rotated.app, '/get')).json()).toEqual({ username: null })
    expect(rotated.invalid).toEqual(['unknown-key'])
  })
})

describe('size', () => {
  test('the 4096-byte limit is measured on the encrypted value: a session that fits signed can be too large encrypted', async () => {
    const clock = new TestClock()
    const signed = shop({ encrypt: false }, clock)
    const encrypted = shop({ encrypt: true }, clock)
    // The longest value a signed cookie still holds (binary search); the JWE's longer header tips it over.
    let [fits, tooLong] = [0, 4096]
    while (tooLong - fits > 1) {
      const n = Math.floor((fits + tooLong) / 2)
      if ((await signed.app.request(`/pad?n=${n}`)).status === 200) fits = n
      else tooLong = n
    }
    const n = fits

    expect((await signed.app.request(`/pad?n=${n}`)).status).toBe(200)
    const res = await encrypted.app.request(`/pad?n=${n}`)
    expect(res.status).toBe(413)
    expect(res.headers.getSetCookie()).toEqual([])
  })
})
