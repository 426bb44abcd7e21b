import { describe, expect, test } from 'bun:test'
import { sessionCookie } from 'hono-jwt-session/testing'
import { SessionTooLargeError } from 'hono-jwt-session'
import { sessionApp } from '../support/session-app.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'

/** Stores a string of `length` characters and reports what happened to the cookie. */
async function store(name: string, length: number) {
  const t = sessionApp({ cookie: { name, secure: false } })
  const res = await t.app.request(`/set?key=pad&value="${'a'.repeat(length)}"`)
  const cookie = sessionSetCookie(res, name)
  return { res, cookie, errors: t.errors, sent: cookie ? name.length + cookie.value.length : undefined }
}

describe('the 4096-byte limit on cookie name + value', () => {
  test('4096 bytes is sent, 4097 is refused with a typed 413 and no cookie', async () => {
    // base64url never has a length of 4k+1, so try names of every length mod 4 to land on exactly 4096.
    let checked = false
    for (const name of ['session', 'session1', 'session12', 'session123']) {
      let length = 2800
      while ((await store(name, length + 1)).sent !== undefined) length++
      const last = await store(name, length)
      const over = await store(name, length + 1)
      expect(over.res.status).toBe(413)
      expect(over.res.headers.getSetCookie()).toEqual([])
      const error = over.errors[0] as SessionTooLargeError
      expect(error).toBeInstanceOf(SessionTooLargeError)
      expect(error.code).toBe('ERR_SESSION_TOO_LARGE')
      expect(error.size).toBeGreaterThan(4096)
      expect(last.sent).toBeLessThanOrEqual(4096)
      if (last.sent === 4096 && error.size === 4097) checked = true
    }
    expect(checked).toBe(true)
  })

  test('the size counts bytes: multi-byte characters are measured after encoding', async () => {
    const t = sessionApp()
    const res = await t.app.request(`/set?key=pad&value="${'é'.repeat(1500)}"`)
    // 1500 × 2 UTF-8 bytes → about 4000 base64url characters for them alone, plus the claims.
    expect(res.status).toBe(413)
    expect(t.errors[0]).toBeInstanceOf(SessionTooLargeError)
  })

  describe('a save refused as too large', () => {
    /** A visitor with a cart who then stores 5000 characters: the response and what the visitor holds after. */
    async function refused() {
      const t = sessionApp()
      const jar = new StrictCookieJar().set(await sessionCookie(t.options, { cart: ['a'] }))
      const before = jar.get('session')!
      const res = await jar.request(t.app, `/set?key=pad&value="${'x'.repeat(5000)}"`)
      return { t, jar, before, res }
    }

    test('is answered 413, saying the session is too large', async () => {
      const { res } = await refused()
      expect(res.status).toBe(413)
      expect(await res.text()).toContain('too large')
    })

    test('leaves the browser its previous cookie', async () => {
      const { jar, before } = await refused()
      expect(jar.get('session')).toBe(before)
    })

    test('leaves the session as it was: the cart kept, the oversized value not stored', async () => {
      const { t, jar } = await refused()
      expect(await (await jar.request(t.app, '/get?key=cart')).json()).toEqual({ cart: ['a'] })
      expect(await (await jar.request(t.app, '/get?key=pad')).json()).toEqual({})
    })
  })
})
