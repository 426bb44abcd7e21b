import { describe, expect, test } from 'bun:test'
import { hashPassword, verifyPassword } from '../../src/app/auth/passwords.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'
import { loadConfig } from '../../src/app/config.ts'
import { claimsOf } from '../support/forge.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'
import { json, loggedIn, login, sessionData, shop } from '../support/shop.ts'

describe('passwords', () => {
  test('a salted PBKDF2 hash verifies its password and no other', async () => {
    const a = await hashPassword('correct horse', 1000)
    const b = await hashPassword('correct horse', 1000)
    expect(a).toMatch(/^pbkdf2-sha256\$1000\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct horse ', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
  })

  test('the demo account is user / password, stored with 600,000 iterations', async () => {
    expect(DEMO_USER.passwordHash).toStartWith('pbkdf2-sha256$600000$')
    expect(await verifyPassword('password', DEMO_USER.passwordHash)).toBe(true)
  })

  test('a stored value that is not our hash is an error, not a match', async () => {
    await expect(verifyPassword('x', 'plaintext')).rejects.toThrow('not a pbkdf2-sha256 hash')
  })

  test('the store never says which part was wrong', async () => {
    const users = new MemoryUserStore([DEMO_USER])
    expect(await users.authenticate('user', 'password')).toEqual({ id: 'u-1', name: 'user' })
    expect(await users.authenticate('user', 'wrong')).toBeUndefined()
    expect(await users.authenticate('nobody', 'password')).toBeUndefined()
    expect(await users.findById('u-1')).toEqual({ id: 'u-1', name: 'user' })
    expect(await users.findById('u-2')).toBeUndefined()
  })

  test('production has no demo account unless DEMO_USER=true', async () => {
    const secret = 's'.repeat(32)
    const prod = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret })
    expect(await prod.users.authenticate('user', 'password')).toBeUndefined()
    expect(prod.demoHint).toBe(false)
    const withDemo = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, DEMO_USER: 'true' })
    expect(await withDemo.users.authenticate('user', 'password')).toEqual({ id: 'u-1', name: 'user' })
    expect(withDemo.warnings).toEqual([expect.stringContaining('DEMO_USER=true')])
    expect(await loadConfig({}).users.authenticate('user', 'password')).toBeDefined()
  })
})

describe('login', () => {
  test('GET /login is a form', async () => {
    const { app } = shop()
    const res = await app.request('/login')
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('<form method="post" action="/login">')
    expect(page).toContain('name="username"')
    expect(page).toContain('name="password"')
  })

  test('success: 303 to /, the session holds id and name, with a renewed identity; the cart survives', async () => {
    const { app, clock } = shop()
    const jar = new StrictCookieJar()
    await jar.request(app, '/api/cart/items', json('POST', { productId: 'gift-card-25', quantity: 2 }))
    const before = claimsOf(jar.get('session')!)
    clock.advance(30)
    const res = await login(app, jar)
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/')
    const after = claimsOf(jar.get('session')!)
    expect(after.sid).not.toBe(before.sid)
    expect(after.start).toBe(clock.seconds)
    expect(sessionData(jar)).toMatchObject({ userId: 'u-1', username: 'user', cart: [{ productId: 'gift-card-25', quantity: 2 }] })
    const me = await jar.request(app, '/api/me')
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ user: { id: 'u-1', name: 'user' } })
  })

  test('the "logged in" flash is shown once, then gone without any extra call', async () => {
    const { app } = shop()
    const jar = new StrictCookieJar()
    await login(app, jar)
    const first = await (await jar.request(app, '/')).text()
    expect(first).toContain('Logged in as user.')
    expect(first).toContain('Welcome, user')
    const second = await (await jar.request(app, '/')).text()
    expect(second).not.toContain('Logged in as user.')
    expect(second).toContain('Welcome, user')
    expect(sessionData(jar)).not.toHaveProperty('_flashes')
  })

  test('a wrong password and an unknown name get the same 401 page, and no session', async () => {
    const { app } = shop()
    const pages: string[] = []
    for (const [username, password] of [['user', 'wrong'], ['nobody', 'password'], ['', '']]) {
      const jar = new StrictCookieJar()
      const res = await login(app, jar, password, username)
      expect(res.status).toBe(401)
      expect(res.headers.getSetCookie()).toEqual([])
      const page = await res.text()
      expect(page).toContain('Invalid user name or password.')
      expect(page).toContain('<form method="post" action="/login">')
      pages.push(page.replace(/value="[^"]*"/, ''))
    }
    expect(pages[0]).toBe(pages[1]!)
  })

  test('a login post that is not a form is 400', async () => {
    const { app } = shop()
    const res = await app.request('/login', json('POST', { username: 'user', password: 'password' }))
    expect(res.status).toBe(400)
  })
})

describe('/api/me', () => {
  test('401 with a JSON error when nobody is logged in', async () => {
    const { app } = shop()
    const res = await app.request('/api/me')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'Not logged in' })
  })

  test('the tutorial\'s username alone is not a login', async () => {
    const { app } = shop()
    const jar = new StrictCookieJar()
    await jar.request(app, '/test/session/set')
    expect((await jar.request(app, '/api/me')).status).toBe(401)
    expect((await jar.request(app, '/api/cart/checkout', { method: 'POST' })).status).toBe(401)
  })
})

describe('logout', () => {
  test('clears the whole session and deletes its cookie; "logged out" is shown once on the next page', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options, { cart: [{ productId: 'gift-card-25', quantity: 1 }] }))
    const res = await jar.request(app, '/logout', { method: 'POST' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/')
    const deletion = sessionSetCookie(res)!
    expect(deletion.value).toBe('')
    expect(deletion.attributes['max-age']).toBe('0')
    expect(jar.get('session')).toBeUndefined()
    expect((await app.request('/api/me')).status).toBe(401)

    // The goodbye rides in a flag cookie of its own, with no user data in it.
    const flag = res.headers.getSetCookie().find((c) => c.startsWith('logged_out='))!
    expect(flag).toMatch(/^logged_out=1; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/)
    const home = await app.request('/', { headers: { Cookie: 'logged_out=1' } })
    expect(await home.text()).toContain('You have been logged out.')
    expect(home.headers.getSetCookie()).toEqual([expect.stringMatching(/^logged_out=; Max-Age=0; Path=\//)])
    expect(await (await app.request('/')).text()).not.toContain('You have been logged out.')
  })

  test('the logout button is a form post; GET /logout does nothing', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
    expect(await (await jar.request(app, '/')).text()).toContain('<form class="inline" method="post" action="/logout">')
    expect((await jar.request(app, '/logout')).status).toBe(404)
    expect((await jar.request(app, '/api/me')).status).toBe(200)
  })
})

describe('cross-site form posts', () => {
  const attempts: [string, Record<string, string>][] = [
    ['a foreign Origin', { Origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Origin: null', { Origin: 'null' }],
    ['a foreign Origin posing as same-site', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'same-site' }],
  ]
  for (const [label, headers] of attempts) {
    test(`${label} → 403, nothing changes`, async () => {
      const { app, options } = shop()
      const jar = new StrictCookieJar().set(await loggedIn(options))
      for (const [path, fields] of [['/logout', {}], ['/cart/items', { productId: 'gift-card-25', quantity: '1' }], ['/login', { username: 'user', password: 'password' }]] as const) {
        const res = await jar.request(app, path, { method: 'POST', body: new URLSearchParams(fields), headers })
        expect(res.status).toBe(403)
        expect(res.headers.getSetCookie()).toEqual([])
      }
    })
  }

  test('same-origin posts (by Origin or Sec-Fetch-Site) and non-browser clients are let through', async () => {
    const { app } = shop()
    for (const headers of [{ Origin: 'http://localhost' }, { 'Sec-Fetch-Site': 'same-origin' }, {}] as Record<string, string>[]) {
      const res = await app.request('http://localhost/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'password' }), headers })
      expect(res.status).toBe(303)
    }
  })
})
