import { describe, expect, test } from 'bun:test'
import { sessionCookie } from 'hono-jwt-session/testing'
import { headerOf } from '../support/forge.ts'
import { OLD_SECRET, SECRET } from '../support/secrets.ts'
import { sessionApp } from '../support/session-app.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'

describe('key rotation', () => {
  /** A session signed with OLD_SECRET, read by an app that has rotated to SECRET and keeps OLD_SECRET as a fallback. */
  async function readThroughFallback() {
    const jar = new StrictCookieJar().set(await sessionCookie(sessionApp({ secret: OLD_SECRET }).options, { user: 'u' }))
    const oldKid = headerOf(jar.get('session')!).kid
    // refreshEachRequest: false, so a reissue is due to the fallback key alone.
    const after = sessionApp({ secret: SECRET, fallbackSecrets: [OLD_SECRET], refreshEachRequest: false })
    const res = await jar.request(after.app, '/get?key=user')
    return { jar, oldKid, res }
  }

  test('a token signed with a fallback secret is accepted', async () => {
    const { res } = await readThroughFallback()
    expect(await res.json()).toEqual({ user: 'u' })
  })

  test('a token signed with a fallback secret is reissued with the current key, even when nothing else calls for it', async () => {
    const { jar, oldKid, res } = await readThroughFallback()
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(headerOf(jar.get('session')!).kid).not.toBe(oldKid)
  })

  test('once reissued, the token verifies without the fallback', async () => {
    const { jar } = await readThroughFallback()
    const rotated = sessionApp({ secret: SECRET })
    expect(await (await jar.request(rotated.app, '/get?key=user')).json()).toEqual({ user: 'u' })
  })

  test('a key removed from the configuration is refused as unknown', async () => {
    const before = sessionApp({ secret: OLD_SECRET })
    const jar = new StrictCookieJar().set(await sessionCookie(before.options, { user: 'u' }))
    const after = sessionApp({ secret: SECRET })
    expect(await (await jar.request(after.app, '/get?key=user')).json()).toEqual({})
    expect(after.invalid).toEqual(['unknown-key'])
  })

  test('the current key signs even when the token came in signed by a fallback', async () => {
    const current = sessionApp({ secret: SECRET })
    const jar = new StrictCookieJar().set(await sessionCookie(current.options, { a: 1 }))
    const currentKid = headerOf(jar.get('session')!).kid
    const old = sessionApp({ secret: OLD_SECRET })
    const oldJar = new StrictCookieJar().set(await sessionCookie(old.options, { a: 1 }))
    const both = sessionApp({ secret: SECRET, fallbackSecrets: [OLD_SECRET] })
    await oldJar.request(both.app, '/set?key=b&value=2')
    expect(headerOf(oldJar.get('session')!).kid).toBe(currentKid)
  })

  test('many fallbacks: each still verifies', async () => {
    const secrets = Array.from({ length: 4 }, (_, i) => `rotation-secret-number-${i}-padded-to-32-bytes`)
    const all = sessionApp({ secret: SECRET, fallbackSecrets: secrets })
    for (const secret of secrets) {
      const jar = new StrictCookieJar().set(await sessionCookie(sessionApp({ secret }).options, { a: 1 }))
      expect(await (await jar.request(all.app, '/get?key=a')).json()).toEqual({ a: 1 })
    }
    expect(all.invalid).toEqual([])
  })
})
