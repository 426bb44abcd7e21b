import { describe, expect, test } from 'bun:test'
import { hashPassword, verifyPassword } from '../../src/app/auth/passwords.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'
import { loadConfig } from '../../src/app/config.ts'
import { claimsOf } from '../support/forge.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'
import { json, loggedIn, login, sessionData, shop } from '../support/shop.ts'

describe('passwords', () => {
  test('hashPassword gives a salted PBKDF2-SHA256 hash: iterations, salt and hash in one string, a new salt each time', async () => {
    const a = await hashPassword('correct horse', 1000)
    const b = await hashPassword('correct horse', 1000)
    expect(a).toMatch(/^pbkdf2-sha256\$1000\$[\w-]{22}\$[\w-]{43}$/)
    expect(a).not.toBe(b)
  })

  test('a hash verifies its password and no other', async () => {
    const hash = await hashPassword('correct horse', 1000)
    expect(await verifyPassword('correct horse', hash)).toBe(true)
    expect(await verifyPassword('correct horse ', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  test('the demo account is user / password, stored with 600,000 iterations', async () => {
    expect(DEMO_USER.passwordHash).toStartWith('pbkdf2-sha256$600000$')
    expect(await verifyPassword('password', DEMO_USER.passwordHash)).toBe(true)
  })

  test('a stored value that is not our hash is an error, not a match', async () => {
    await expect(verifyPassword('x', 'plaintext')).rejects.toThrow('not a pbkdf2-sha256 hash')
  })
})

describe('the user store', () => {
  const users = new MemoryUserStore([DEMO_USER])

  test('authenticate answers the user for the right name and password', async () => {
    expect(await users.authenticate('user', 'password')).toEqual({ id: 'u-1', name: 'user' })
  })

  test('authenticate never says which part was wrong: a wrong password and an unknown name both answer nothing', async () => {
    expect(await users.authenticate('user', 'wrong')).toBeUndefined()
    expect(await users.authenticate('nobody', 'password')).toBeUndefined()
  })

  test('findById answers a known user without the hash, and nothing for an unknown id', async () => {
    expect(await users.findById('u-1')).toEqual({ id: 'u-1', name: 'user' })
    expect(await users.findById('u-2')).toBeUndefined()
  })
})

describe('the demo account', () => {
  const secret = 's'.repeat(32)

  test('production has no demo account by default, and no hint on the login page', async () => {
    const prod = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret })
    expect(await prod.users.authenticate('user', 'password')).toBeUndefined()
    expect(prod.demoHint).toBe(false)
  })

  test('DEMO_USER=true adds it in production, with a warning', async () => {
    const withDemo = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, DEMO_USER: 'true' })
    expect(await withDemo.users.authenticate('user', 'password')).toEqual({ id: 'u-1', name: 'user' })
    expect(withDemo.warnings).toEqual([expect.stringContaining('DEMO_USER=true')])
  })

  test('development has it', async () => {
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

  describe('success', () => {
    /** An anonymous visitor with a cart logs in 30 s later: the response, and the session's claims before and after. */
    async function loggedInWithCart() {
      const { app, clock } = shop()
      const jar = new StrictCookieJar()
      await jar.request(app, '/api/cart/items', json('POST', { productId: 'gift-card-25', quantity: 2 }))
      const before = claimsOf(jar.get('session')!)
      clock.advance(30)
      const res = await login(app, jar)
      return { app, clock, jar, res, before, after: claimsOf(jar.get('session')!) }
    }

    test('answers 303 to /', async () => {
      const { res } = await loggedInWithCart()
      expect(res.status).toBe(303)
      expect(res.headers.get('Location')).toBe('/')
    })

    test('renews the session\'s identity: a new id and start time', async () => {
      const { before, after, clock } = await loggedInWithCart()
      expect(after.sid).not.toBe(before.sid)
      expect(after.start).toBe(clock.seconds)
    })

    test('makes the session the user\'s (its subject) and stores the name', async () => {
      const { jar, after } = await loggedInWithCart()
      expect(after.sub).toBe('u-1')
      expect(sessionData(jar)).toMatchObject({ username: 'user' })
    })

    test('keeps the cart', async () => {
      const { jar } = await loggedInWithCart()
      expect(sessionData(jar)).toMatchObject({ cart: [{ productId: 'gift-card-25', quantity: 2 }] })
    })

    test('makes /api/me answer the user', async () => {
      const { app, jar } = await loggedInWithCart()
      const me = await jar.request(app, '/api/me')
      expect(me.status).toBe(200)
      expect(await me.json()).toEqual({ user: { id: 'u-1', name: 'user' } })
    })
  })

  describe('the "logged in" flash', () => {
    /** The home page twice, right after logging in. */
    async function homeTwiceAfterLogin() {
      const { app } = shop()
      const jar = new StrictCookieJar()
      await login(app, jar)
      const first = await (await jar.request(app, '/')).text()
      const second = await (await jar.request(app, '/')).text()
      return { jar, first, second }
    }

    test('is shown on the page after login, with the welcome', async () => {
      const { first } = await homeTwiceAfterLogin()
      expect(first).toContain('Logged in as user.')
      expect(first).toContain('Welcome, user')
    })

    test('is gone from the next page without any extra call, and from the session', async () => {
      const { jar, second } = await homeTwiceAfterLogin()
      expect(second).not.toContain('Logged in as user.')
      expect(second).toContain('Welcome, user')
      expect(sessionData(jar)).not.toHaveProperty('_flashes')
    })
  })

  describe('failure', () => {
    const failures: [string, string, string][] = [
      ['a wrong password', 'user', 'wrong'],
      ['an unknown name', 'nobody', 'password'],
      ['empty fields', '', ''],
    ]
    /** The login page answered for these credentials, without the echoed user name. */
    async function failedPage(username: string, password: string) {
      const res = await login(shop().app, new StrictCookieJar(), password, username)
      return (await res.text()).replace(/value="[^"]*"/, '')
    }

    for (const [label, username, password] of failures) {
      test(`${label}: 401, the error and the form again, and no session`, async () => {
        const { app } = shop()
        const res = await login(app, new StrictCookieJar(), password, username)
        expect(res.status).toBe(401)
        expect(res.headers.getSetCookie()).toEqual([])
        const page = await res.text()
        expect(page).toContain('Invalid user name or password.')
        expect(page).toContain('<form method="post" action="/login">')
      })
    }

    test('a wrong password and an unknown name get the same page', async () => {
      expect(await failedPage('user', 'wrong')).toBe(await failedPage('nobody', 'password'))
    })
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
  /** A logged-in user with a cart posts the logout button. */
  async function loggedOut() {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options, { cart: [{ productId: 'gift-card-25', quantity: 1 }] }))
    const res = await jar.request(app, '/logout', { method: 'POST' })
    return { app, jar, res }
  }

  test('answers 303 to /', async () => {
    const { res } = await loggedOut()
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/')
  })

  test('deletes the session cookie, cart and all', async () => {
    const { jar, res } = await loggedOut()
    const deletion = sessionSetCookie(res)!
    expect(deletion.value).toBe('')
    expect(deletion.attributes['max-age']).toBe('0')
    expect(jar.get('session')).toBeUndefined()
  })

  test('leaves the browser logged out: /api/me, 200 before, is 401 after', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
    expect((await jar.request(app, '/api/me')).status).toBe(200)
    await jar.request(app, '/logout', { method: 'POST' })
    expect((await jar.request(app, '/api/me')).status).toBe(401)
  })

  test('sets the goodbye in a one-minute flag cookie of its own, with no user data in it', async () => {
    const { res } = await loggedOut()
    const flag = res.headers.getSetCookie().find((c) => c.startsWith('logged_out='))!
    expect(flag).toMatch(/^logged_out=1; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax$/)
  })

  test('the next page shows "You have been logged out." and deletes the flag cookie', async () => {
    const { app, jar } = await loggedOut()
    const home = await jar.request(app, '/')
    expect(await home.text()).toContain('You have been logged out.')
    expect(home.headers.getSetCookie()).toEqual([expect.stringMatching(/^logged_out=; Max-Age=0; Path=\//)])
  })

  test('the page after that no longer shows it', async () => {
    const { app, jar } = await loggedOut()
    await jar.request(app, '/')
    expect(await (await jar.request(app, '/')).text()).not.toContain('You have been logged out.')
  })

  test('the logout button is a form post to /logout', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
    expect(await (await jar.request(app, '/')).text()).toContain('<form class="inline" method="post" action="/logout">')
  })

  test('GET /logout is 404 and leaves the user logged in', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
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
  const forms: [string, Record<string, string>][] = [
    ['/logout', {}],
    ['/cart/items', { productId: 'gift-card-25', quantity: '1' }],
    ['/login', { username: 'user', password: 'password' }],
  ]
  for (const [label, headers] of attempts) {
    for (const [path, fields] of forms) {
      test(`${label} posting to ${path} → 403, nothing changes`, async () => {
        const { app, options } = shop()
        const jar = new StrictCookieJar().set(await loggedIn(options))
        const res = await jar.request(app, path, { method: 'POST', body: new URLSearchParams(fields), headers })
        expect(res.status).toBe(403)
        expect(res.headers.getSetCookie()).toEqual([])
      })
    }
  }

  const allowed: [string, Record<string, string>][] = [
    ['a same-origin Origin', { Origin: 'http://localhost' }],
    ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin' }],
    ['a non-browser client (neither header)', {}],
  ]
  for (const [label, headers] of allowed) {
    test(`a post with ${label} is let through`, async () => {
      const { app } = shop()
      const res = await app.request('http://localhost/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'password' }), headers })
      expect(res.status).toBe(303)
    })
  }
})
