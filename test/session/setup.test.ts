// Setting the middleware up: options from the request's context (Workers), the clear error when a
// route is not covered, cookie prefixes in any case, the audience, and the secret generator.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { generateSecret, getSession, session, SessionConfigError, SessionMissingError, type InvalidSessionReason, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { CookieJar, sessionCookie, TestClock } from 'hono-jwt-session/testing'
import { ROOT } from '../support/server.ts'

const SECRET = 'setup-test-secret-0123456789abcdefghij'
const OTHER = 'setup-other-secret-0123456789abcdefghij'

describe('options from the context (Cloudflare Workers bindings)', () => {
  type Bindings = { SESSION_SECRET: string }
  interface Counter {
    n?: number
  }
  function workerApp(factory: (secret: string) => SessionOptions) {
    const app = new Hono<{ Bindings: Bindings } & SessionEnv<Counter>>()
    app.use(session<Counter, { Bindings: Bindings }>((c) => factory(c.env.SESSION_SECRET)))
    app.get('/count', (c) => {
      const n = (c.var.session.get('n') ?? 0) + 1
      c.var.session.set('n', n)
      return c.text(String(n))
    })
    app.onError((error, c) => c.text(String(error), 500))
    return { app }
  }

  test('a session works with options read from the bindings', async () => {
    const { app } = workerApp((secret) => ({ secret, cookie: { secure: false } }))
    const jar = new CookieJar()
    const env = { SESSION_SECRET: SECRET }
    jar.store(await app.request('/count', {}, env))

    expect(await (await app.request('/count', { headers: { Cookie: jar.header()! } }, env)).text()).toBe('2')
  })

  test('the same configuration is set up once: a token from one request is known to the next', async () => {
    const { app } = workerApp((secret) => ({ secret, cookie: { secure: false } }))
    const env = { SESSION_SECRET: SECRET }
    const imports: string[] = []
    const original = crypto.subtle.importKey.bind(crypto.subtle)
    crypto.subtle.importKey = ((...args: Parameters<typeof original>) => {
      imports.push(String(args[0]))
      return original(...args)
    }) as typeof original
    try {
      for (let i = 0; i < 5; i++) await app.request('/count', {}, env)
    } finally {
      crypto.subtle.importKey = original
    }
    // One secret imported once: as HMAC key and as HKDF material.
    expect(imports).toEqual(['raw', 'raw'])
  })

  test('a changed binding is a new configuration: sessions signed with the old secret are refused', async () => {
    const { app } = workerApp((secret) => ({ secret, cookie: { secure: false } }))
    const jar = new CookieJar()
    jar.store(await app.request('/count', {}, { SESSION_SECRET: SECRET }))

    expect(await (await app.request('/count', { headers: { Cookie: jar.header()! } }, { SESSION_SECRET: OTHER })).text()).toBe('1')
  })

  test('options from the context are checked like static ones: a short secret is a SessionConfigError naming it', async () => {
    const { app } = workerApp((secret) => ({ secret, cookie: { secure: false } }))
    const res = await app.request('/count', {}, { SESSION_SECRET: 'short' })

    expect(res.status).toBe(500)
    expect(await res.text()).toContain('option "secret" must be at least 32 bytes')
  })
})

describe('getSession(c)', () => {
  test('returns the session on a route the middleware covers', async () => {
    const app = new Hono<SessionEnv<{ user?: string }>>()
    app.use('/app/*', session({ secret: SECRET, cookie: { secure: false } }))
    app.get('/app/me', (c) => c.text(getSession(c).get('user') ?? 'nobody'))

    expect(await (await app.request('/app/me')).text()).toBe('nobody')
  })

  test('on a route the middleware does not cover, throws an error naming the middleware and the route', async () => {
    const app = new Hono<SessionEnv<{ user?: string }>>()
    const errors: unknown[] = []
    app.use('/app/*', session({ secret: SECRET, cookie: { secure: false } }))
    app.get('/outside', (c) => c.text(getSession(c).get('user') ?? 'nobody'))
    app.onError((error, c) => {
      errors.push(error)
      return c.text('error', 500)
    })
    await app.request('/outside')

    expect(errors[0]).toBeInstanceOf(SessionMissingError)
    expect((errors[0] as SessionMissingError).code).toBe('ERR_SESSION_MISSING')
    expect((errors[0] as Error).message).toContain('No session for GET /outside: the session() middleware from hono-jwt-session did not run for this route')
  })
})

describe('cookie prefixes, in any letter case', () => {
  for (const name of ['__Host-session', '__host-session', '__HOST-session']) {
    test(`${name} without Secure is refused at start-up`, () => {
      expect(() => session({ secret: SECRET, cookie: { name, secure: false } })).toThrow(SessionConfigError)
    })
    test(`${name} with a Domain is refused at start-up`, () => {
      expect(() => session({ secret: SECRET, cookie: { name, domain: 'example.com' } })).toThrow('must not be set for a cookie named')
    })
  }
  test('__secure-session without Secure is refused at start-up', () => {
    expect(() => session({ secret: SECRET, cookie: { name: '__secure-session', secure: false } })).toThrow(SessionConfigError)
  })
  test('a lower-case __host- name that passes the checks is written, never a 500', async () => {
    const app = new Hono<SessionEnv>()
    app.use(session({ secret: SECRET, cookie: { name: '__host-s' } }))
    app.get('/', (c) => {
      c.var.session.set('a', 1)
      return c.text('ok')
    })
    const res = await app.request('/')

    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()[0]).toStartWith('__host-s=')
  })
})

describe('the audience', () => {
  function app(options: Partial<SessionOptions>) {
    const invalid: InvalidSessionReason[] = []
    const clock = new TestClock()
    const hono = new Hono<SessionEnv>()
    const sessionOptions: SessionOptions = { secret: SECRET, cookie: { secure: false }, clock: clock.now, onInvalid: (r) => invalid.push(r), ...options }
    hono.use(session(sessionOptions))
    hono.get('/', (c) => c.json(c.var.session.get('user') ?? null))
    return { hono, invalid, sessionOptions }
  }

  test('two apps sharing a secret and a cookie name refuse each other\'s sessions when each sets its own audience', async () => {
    const shop = app({ audience: 'shop' })
    const blog = app({ audience: 'blog' })
    const cookie = await sessionCookie(shop.sessionOptions, { user: 'ada' })

    expect(await (await shop.hono.request('/', { headers: { Cookie: cookie } })).json()).toBe('ada')
    expect(await (await blog.hono.request('/', { headers: { Cookie: cookie } })).json()).toBeNull()
    expect(blog.invalid).toEqual(['wrong-audience'])
  })

  test('an empty audience is refused at start-up', () => {
    expect(() => session({ secret: SECRET, audience: '' })).toThrow('option "audience" must be a non-empty string')
  })
})

describe('secrets', () => {
  test('generateSecret() makes 32 random bytes as 43 base64url characters, different each time', () => {
    const [a, b] = [generateSecret(), generateSecret()]
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
    expect(() => session({ secret: a })).not.toThrow()
  })

  test('the package command prints one secret and nothing else', () => {
    const run = Bun.spawnSync(['bun', 'src/session/cli.ts'], { cwd: ROOT })
    expect(new TextDecoder().decode(run.stdout)).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    expect(run.exitCode).toBe(0)
  })
})

describe('options from the context, returned as one shared object', () => {
  test('a factory that fills in and returns the same object each time still gets each configuration', async () => {
    const shared: SessionOptions = { secret: SECRET, cookie: { secure: false } }
    const app = new Hono<{ Bindings: { TENANT: string } } & SessionEnv<{ n?: number }>>()
    app.use(
      session<{ n?: number }, { Bindings: { TENANT: string } }>((c) => {
        shared.secret = c.env.TENANT === 'a' ? SECRET : OTHER
        shared.audience = c.env.TENANT
        return shared
      }),
    )
    app.get('/', (c) => c.text(String(c.var.session.get('n') ?? 'none')))
    const tokenOfA = await sessionCookie({ secret: SECRET, cookie: { secure: false }, audience: 'a' }, { n: 1 })

    expect(await (await app.request('/', { headers: { Cookie: tokenOfA } }, { TENANT: 'a' })).text()).toBe('1')
    expect(await (await app.request('/', { headers: { Cookie: tokenOfA } }, { TENANT: 'b' })).text()).toBe('none')
  })

  test('a string secret never shares a configuration with the byte secret it spells out', async () => {
    const bytes = new TextEncoder().encode(SECRET)
    const spelled = `bytes:${Array.from(bytes).join(',')}`
    const app = new Hono<{ Bindings: { S: string } } & SessionEnv<{ n?: number }>>()
    app.use(session<{ n?: number }, { Bindings: { S: string } }>((c) => ({ secret: c.env.S === 'bytes' ? bytes : spelled, cookie: { secure: false } })))
    app.get('/', (c) => c.text(String(c.var.session.get('n') ?? 'none')))
    const cookie = await sessionCookie({ secret: bytes, cookie: { secure: false } }, { n: 1 })

    expect(await (await app.request('/', { headers: { Cookie: cookie } }, { S: 'bytes' })).text()).toBe('1')
    expect(await (await app.request('/', { headers: { Cookie: cookie } }, { S: 'spelled' })).text()).toBe('none')
  })
})
