import { describe, expect, test } from 'bun:test'
import { headerOf, OLD_SECRET, SECRET, StrictCookieJar, testApp } from '../helpers.ts'

describe('key rotation', () => {
  test('old key verifies, new key signs, and a token signed by a fallback is reissued with the current key', async () => {
    const before = testApp({ secret: OLD_SECRET })
    const jar = new StrictCookieJar()
    await jar.request(before.app, '/set?key=user&value="u"')
    const oldKid = headerOf(jar.get('session')!).kid

    // refreshEachRequest: false, so the reissue below is due to the fallback key alone.
    const after = testApp({ secret: SECRET, fallbackSecrets: [OLD_SECRET], refreshEachRequest: false })
    const res = await jar.request(after.app, '/get?key=user')
    expect(await res.text()).toBe('"u"')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    const newKid = headerOf(jar.get('session')!).kid
    expect(newKid).not.toBe(oldKid)

    // Once reissued, the token verifies without the fallback.
    const rotated = testApp({ secret: SECRET })
    expect(await (await jar.request(rotated.app, '/get?key=user')).text()).toBe('"u"')
  })

  test('a key removed from the configuration is refused as unknown', async () => {
    const before = testApp({ secret: OLD_SECRET })
    const jar = new StrictCookieJar()
    await jar.request(before.app, '/set?key=user&value="u"')
    const after = testApp({ secret: SECRET })
    expect(await (await jar.request(after.app, '/get?key=user')).text()).toBe('none')
    expect(after.invalid).toEqual(['unknown-key'])
  })

  test('the current key signs even when the token came in signed by a fallback', async () => {
    const current = testApp({ secret: SECRET })
    const jar = new StrictCookieJar()
    await jar.request(current.app, '/set?key=a&value=1')
    const currentKid = headerOf(jar.get('session')!).kid
    const old = testApp({ secret: OLD_SECRET })
    const oldJar = new StrictCookieJar()
    await oldJar.request(old.app, '/set?key=a&value=1')
    const both = testApp({ secret: SECRET, fallbackSecrets: [OLD_SECRET] })
    await oldJar.request(both.app, '/set?key=b&value=2')
    expect(headerOf(oldJar.get('session')!).kid).toBe(currentKid)
  })

  test('many fallbacks: each still verifies', async () => {
    const secrets = Array.from({ length: 4 }, (_, i) => `rotation-secret-number-${i}-padded-to-32-bytes`)
    const all = testApp({ secret: SECRET, fallbackSecrets: secrets })
    for (const secret of secrets) {
      const jar = new StrictCookieJar()
      await jar.request(testApp({ secret }).app, '/set?key=a&value=1')
      expect(await (await jar.request(all.app, '/get?key=a')).text()).toBe('1')
    }
    expect(all.invalid).toEqual([])
  })
})
