import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { SESSION_AUDIENCE } from '../../src/app/app.ts'
import { VARIABLES } from '../../src/app/config.ts'
import type { CookieJar } from 'hono-jwt-session/testing'
import { claimsOf, headerOf } from '../support/forge.ts'
import { OLD_SECRET, OTHER_SECRET } from '../support/secrets.ts'
import { sessionToken } from '../support/session-app.ts'
import { sessionSetCookie, StrictCookieJar } from '../support/set-cookie.ts'
import { RUNTIME_NAMES, RUNTIMES, type RuntimeName } from '../support/runtimes.ts'
import { RedisServer } from '../support/redis-server.ts'
import { ROOT, type RunningServer } from '../support/server.ts'

const SECRET = 'runtime-secret-0123456789-abcdefghijklm'
const STARTUP = 90_000
const servers = {} as Record<RuntimeName, RunningServer>
let redis: RedisServer
/** Deno's revocations go to a KV file of its own, under data/ (which start:deno lets it write). */
const DENO_KV = `data/runtimes-test-${crypto.randomUUID()}.sqlite3`

/** Starts one server per runtime with `env` (each in parallel); a failure reports every runtime's output. */
async function startAll(env: (name: RuntimeName) => Record<string, string>): Promise<Record<RuntimeName, RunningServer>> {
  const started = await Promise.allSettled(RUNTIME_NAMES.map(async (name) => [name, await RUNTIMES[name](env(name))] as const))
  const running = {} as Record<RuntimeName, RunningServer>
  for (const result of started) if (result.status === 'fulfilled') running[result.value[0]] = result.value[1]
  const failed = started.filter((r) => r.status === 'rejected')
  if (failed.length > 0) {
    await Promise.all(Object.values(running).map((s) => s.stop()))
    throw new Error(failed.map((r) => String((r as PromiseRejectedResult).reason)).join('\n\n'))
  }
  return running
}

// Each runtime keeps revocations where its entry file puts them when configured: Bun and Node in one
// real Redis (shared, as instances behind a load balancer), Deno in Deno KV, Workers in a Durable Object.
beforeAll(async () => {
  redis = await RedisServer.start()
  const shared: Partial<Record<RuntimeName, Record<string, string>>> = { bun: { REDIS_URL: redis.url }, node: { REDIS_URL: redis.url }, deno: { DENO_KV_PATH: DENO_KV } }
  Object.assign(servers, await startAll((name) => ({ SESSION_SECRET: SECRET, SESSION_SECRET_FALLBACKS: OLD_SECRET, ...shared[name] })))
}, STARTUP)

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
  await redis?.[Symbol.asyncDispose]()
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(ROOT, DENO_KV + suffix), { force: true })
}, 30_000)

/** The body of `path` on `server`, requested with the jar's cookies. */
async function text(jar: CookieJar, server: RunningServer, path: string): Promise<string> {
  return (await jar.request(server, path)).text()
}

/** A token the servers would have issued for the tutorial's user, signed with `secret`. */
async function mintWith(secret: string): Promise<string> {
  return sessionToken({ secret, cookie: { secure: false }, audience: SESSION_AUDIENCE }, { username: 'user' })
}

/** A token the servers would have issued after the demo user logged in. */
async function loggedInToken(): Promise<string> {
  return sessionToken({ secret: SECRET, cookie: { secure: false }, audience: SESSION_AUDIENCE }, { username: 'user' }, { subject: 'u-1' })
}

const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
const loginForm = (password: string): RequestInit => ({ method: 'POST', body: new URLSearchParams({ username: 'user', password }) })

for (const name of RUNTIME_NAMES) {
  describe(`${name}`, () => {
    const server = () => servers[name]

    describe('the tutorial', () => {
      /** A jar that has visited these tutorial routes in turn, and the last response. */
      async function visited(...paths: string[]) {
        const jar = new StrictCookieJar()
        let res: Response | undefined
        for (const path of paths) res = await jar.request(server(), `/test/session/${path}`)
        return { jar, res: res! }
      }

      test('check without a session answers You are not logged in', async () => {
        expect(await (await visited('check')).res.text()).toBe('You are not logged in')
      })

      test('set answers Test as text/plain, with one session cookie: Path=/, HttpOnly, SameSite=Lax', async () => {
        const { res } = await visited('set')
        expect(res.status).toBe(200)
        expect(res.headers.get('Content-Type')).toMatch(/^text\/plain;\s?charset=utf-8$/i)
        expect(await res.text()).toBe('Test')
        expect(res.headers.getSetCookie()).toHaveLength(1)
        expect(sessionSetCookie(res)!.attributes).toEqual({ path: '/', httponly: true, samesite: 'Lax' })
      })

      test('set is marked private and varying on Cookie', async () => {
        const { res } = await visited('set')
        expect(res.headers.get('Cache-Control')).toBe('private, no-store')
        expect(res.headers.get('Vary')).toBe('Cookie')
      })

      test('check after set answers Logged in as user', async () => {
        expect(await (await visited('set', 'check')).res.text()).toBe('Logged in as user')
      })

      test('pop answers Test and deletes the session', async () => {
        const { jar, res } = await visited('set', 'check', 'pop')
        expect(await res.text()).toBe('Test')
        expect(jar.get('session')).toBeUndefined()
      })

      test('check after pop answers You are not logged in', async () => {
        expect(await (await visited('set', 'check', 'pop', 'check')).res.text()).toBe('You are not logged in')
      })
    })

    describe('key rotation', () => {
      /** A session signed with the fallback secret, checked once. */
      async function checkedWithOldKey() {
        const jar = new StrictCookieJar().set('session', await mintWith(OLD_SECRET))
        const oldKid = headerOf(jar.get('session')!).kid
        const text = await (await jar.request(server(), '/test/session/check')).text()
        return { jar, oldKid, text }
      }

      test('a token signed with the fallback secret is accepted', async () => {
        expect((await checkedWithOldKey()).text).toBe('Logged in as user')
      })

      test('a token signed with the fallback secret is reissued with the current one', async () => {
        const { jar, oldKid } = await checkedWithOldKey()
        expect(headerOf(jar.get('session')!).kid).not.toBe(oldKid)
        expect(headerOf(jar.get('session')!).kid).toBe(headerOf(await mintWith(SECRET)).kid)
      })
    })

    test('hostile cookies are answered as anonymous, never with an error', async () => {
      const valid = await mintWith(SECRET)
      const [h, p] = valid.split('.')
      const hostile = [
        'garbage',
        '',
        `${h}.${p}.`,
        `${btoa('{"alg":"none","typ":"session+jwt"}').replace(/=+$/, '')}.${p}.`,
        `${h}.${p}.${'A'.repeat(43)}`,
        await mintWith(OTHER_SECRET),
        'x'.repeat(5000),
      ]
      for (const cookie of hostile) {
        const res = await server().request('/test/session/check', { headers: { Cookie: `session=${cookie}` } })
        expect(res.status).toBe(200)
        expect(await res.text()).toBe('You are not logged in')
      }
    })

    describe('the shop', () => {
      test('logging in through the form redirects home; then /api/me answers the user and the page says so', async () => {
        const jar = new StrictCookieJar()
        const login = await jar.request(server(), '/login', loginForm('password'))
        expect(login.status).toBe(303)
        expect(login.headers.get('Location')).toBe('/')
        expect(await (await jar.request(server(), '/api/me')).json()).toEqual({ user: { id: 'u-1', name: 'user' } })
        expect(await text(jar, server(), '/')).toContain('Logged in as user.')
      })

      test('a cart filled through the JSON API before logging in is checked out after it', async () => {
        const jar = new StrictCookieJar()
        await jar.request(server(), '/api/cart/items', postJson({ productId: 'gift-card-25', quantity: 2 }))
        await jar.request(server(), '/login', loginForm('password'))
        const checkout = await jar.request(server(), '/api/cart/checkout', { method: 'POST' })
        expect(checkout.status).toBe(200)
        expect(((await checkout.json()) as { order: { total: number } }).order.total).toBe(5000)
      })

      test('a wrong password is 401', async () => {
        const wrong = await new StrictCookieJar().request(server(), '/login', loginForm('nope'))
        expect(wrong.status).toBe(401)
      })

      test('a logout posted from another site is refused with 403', async () => {
        const jar = new StrictCookieJar().set('session', await loggedInToken())
        const cross = await jar.request(server(), '/logout', { method: 'POST', headers: { Origin: 'https://evil.example' } })
        expect(cross.status).toBe(403)
      })

      test('the server says where it keeps revocations', () => {
        const where = { bun: 'in Redis', node: 'in Redis', deno: 'in Deno KV', workers: 'in a Durable Object' }[name]
        expect(server().output()).toContain(`Revocations: ${where}`)
      })

      test('a copy of the cookie taken before logout is anonymous after it, and cannot check out', async () => {
        const browser = new StrictCookieJar()
        await browser.request(server(), '/login', loginForm('password'))
        await browser.request(server(), '/api/cart/items', postJson({ productId: 'gift-card-25' }))
        const stolen = new StrictCookieJar().set('session', browser.get('session')!)
        expect((await browser.request(server(), '/api/logout', { method: 'POST' })).status).toBe(204)
        expect((await stolen.request(server(), '/api/me')).status).toBe(401)
        expect((await stolen.request(server(), '/api/cart/checkout', { method: 'POST' })).status).toBe(401)
      })

      test('logging out ends the session: /api/me is 401 after it', async () => {
        const jar = new StrictCookieJar().set('session', await loggedInToken())
        expect((await jar.request(server(), '/api/me')).status).toBe(200)
        expect((await jar.request(server(), '/logout', { method: 'POST' })).status).toBe(303)
        expect((await jar.request(server(), '/api/me')).status).toBe(401)
      })
    })
  })
}

describe('instances sharing one Redis', () => {
  test('a logout on Bun ends a copied cookie on Node, and "everywhere" on Node ends the other device on Bun', async () => {
    const [laptop, phone] = [new StrictCookieJar(), new StrictCookieJar()]
    await laptop.request(servers.bun, '/login', loginForm('password'))
    await phone.request(servers.node, '/login', loginForm('password'))
    const stolen = new StrictCookieJar().set('session', laptop.get('session')!)
    await laptop.request(servers.bun, '/api/logout', { method: 'POST' })
    expect((await stolen.request(servers.node, '/api/me')).status).toBe(401)
    expect((await phone.request(servers.bun, '/api/me')).status).toBe(200)

    const other = new StrictCookieJar()
    await other.request(servers.bun, '/login', loginForm('password'))
    await phone.request(servers.node, '/api/logout', postJson({ everywhere: true }))
    expect((await other.request(servers.bun, '/api/me')).status).toBe(401)
  })
})

describe('one secret, every runtime', () => {
  // Without revocation, so no store's epoch stands between runtimes: the token alone must carry over.
  const plain = {} as Record<RuntimeName, RunningServer>
  beforeAll(async () => {
    Object.assign(plain, await startAll(() => ({ SESSION_SECRET: SECRET, SESSION_REVOCATION: 'false' })))
  }, STARTUP)
  afterAll(async () => {
    await Promise.all(Object.values(plain).map((s) => s.stop()))
  }, 30_000)

  test('a token issued by each runtime is accepted by every other', async () => {
    const kids = new Set<unknown>()
    for (const from of RUNTIME_NAMES) {
      const issuer = new StrictCookieJar()
      await issuer.request(plain[from], '/test/session/set')
      const issued = issuer.get('session')!
      kids.add(headerOf(issued).kid)
      for (const to of RUNTIME_NAMES) {
        const reader = new StrictCookieJar().set('session', issued)
        expect(`${from} → ${to}: ${await text(reader, plain[to], '/test/session/check')}`).toBe(`${from} → ${to}: Logged in as user`)
        expect(claimsOf(reader.get('session')!).sid).toBe(claimsOf(issued).sid)
      }
    }
    expect(kids.size).toBe(1)
  })
})

describe('refusing a bad configuration', () => {
  for (const name of ['bun', 'node', 'deno'] as const) {
    test(`${name} exits non-zero, naming the variable`, async () => {
      const error = await RUNTIMES[name]({ SESSION_SECRET: 'too-short' }).then(
        (server) => (server.stop(), undefined),
        (e: Error) => e,
      )
      expect(error?.message).toMatch(/did not start \(exit [1-9]\d*\)/)
      expect(error?.message).toContain('Configuration error: SESSION_SECRET:')
    }, STARTUP)
  }

  test('workers answers 500 and logs the message naming the variable', async () => {
    const server = await RUNTIMES.workers({ SESSION_SECRET: 'too-short' })
    try {
      const res = await fetch(`${server.url}/test/session/check`)
      expect(res.status).toBe(500)
      expect(await res.text()).not.toContain('SESSION_SECRET')
      for (let i = 0; i < 100 && !server.output().includes('Configuration error'); i++) await Bun.sleep(20)
      expect(server.output()).toContain('Configuration error: SESSION_SECRET:')
    } finally {
      await server.stop()
    }
  }, STARTUP)
})

test('start:deno allows exactly the variables the app reads, and files only under data/ (its Deno KV)', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>
  const allowed = /--allow-env=(\S+)/.exec(scripts['start:deno']!)![1]!.split(',')
  expect(allowed.sort()).toEqual([...VARIABLES].sort())
  const files = scripts['start:deno']!.match(/--allow-(read|write)(=\S+)?/g)
  expect(files).toEqual(['--allow-read=data', '--allow-write=data'])
  expect(scripts['start:deno']).not.toMatch(/--allow-(all|run|ffi|sys)|\s-A\s/)
})
