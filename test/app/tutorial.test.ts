import { describe, expect, test } from 'bun:test'
import { createApp } from '../../src/app/app.ts'
import { MemoryUserStore } from '../../src/app/auth/users.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'

const app = createApp({ session: { secret: SECRET }, secureCookies: false, users: new MemoryUserStore([]) })

describe("the Flask tutorial's routes", () => {
  test('check before set: not logged in, and no cookie', async () => {
    const res = await app.request('/test/session/check')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('You are not logged in')
    expect(res.headers.getSetCookie()).toEqual([])
    expect(res.headers.get('Vary')).toBe('Cookie')
  })

  /** A browser that has visited these tutorial routes in turn, and the response to the last one. */
  async function visited(...paths: string[]) {
    const jar = new StrictCookieJar()
    let res: Response | undefined
    for (const path of paths) res = await jar.request(app, `/test/session/${path}`)
    return { jar, res: res! }
  }

  test('set answers Test and stores a session', async () => {
    const { jar, res } = await visited('set')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('Test')
    expect(jar.get('session')).toBeDefined()
  })

  test('check after set answers Logged in as user', async () => {
    const { res } = await visited('set', 'check')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('Logged in as user')
  })

  test('pop after set answers Test and deletes the session', async () => {
    const { jar, res } = await visited('set', 'check', 'pop')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('Test')
    expect(jar.get('session')).toBeUndefined()
  })

  test('check after pop answers You are not logged in', async () => {
    const { res } = await visited('set', 'check', 'pop', 'check')
    expect(await res.text()).toBe('You are not logged in')
  })

  test('pop without a session answers Test and sets nothing', async () => {
    const res = await app.request('/test/session/pop')
    expect(await res.text()).toBe('Test')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  test('one browser\'s cookie does not log in another', async () => {
    const alice = new StrictCookieJar()
    const bob = new StrictCookieJar()
    await alice.request(app, '/test/session/set')
    expect(await (await bob.request(app, '/test/session/check')).text()).toBe('You are not logged in')
    expect(await (await alice.request(app, '/test/session/check')).text()).toBe('Logged in as user')
  })

  test('a tampered cookie is answered as not logged in, with 200', async () => {
    const res = await app.request('/test/session/check', { headers: { Cookie: 'session=eyJhbGciOiJub25lIn0.eyJkYXRhIjp7InVzZXJuYW1lIjoidXNlciJ9fQ.' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('You are not logged in')
  })

  test('unknown paths are 404', async () => {
    expect((await app.request('/test/session/nope')).status).toBe(404)
  })
})
