import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SESSION_AUDIENCE } from '../../src/app/app.ts'
import { VARIABLES } from '../../src/app/config.ts'
import { claimsOf, headerOf, OLD_SECRET, OTHER_SECRET, sessionSetCookie, testApp } from '../helpers.ts'
import { RUNTIME_NAMES, RUNTIMES, type RuntimeName } from '../support/runtimes.ts'
import { ROOT, type RunningServer } from '../support/server.ts'

const SECRET = 'runtime-secret-0123456789-abcdefghijklm'
const STARTUP = 90_000
const servers = {} as Record<RuntimeName, RunningServer>

beforeAll(async () => {
  const started = await Promise.allSettled(
    RUNTIME_NAMES.map(async (name) => [name, await RUNTIMES[name]({ SESSION_SECRET: SECRET, SESSION_SECRET_FALLBACKS: OLD_SECRET })] as const),
  )
  for (const result of started) {
    if (result.status === 'fulfilled') servers[result.value[0]] = result.value[1]
  }
  const failed = started.filter((r) => r.status === 'rejected')
  if (failed.length > 0) throw new Error(failed.map((r) => String((r as PromiseRejectedResult).reason)).join('\n\n'))
}, STARTUP)

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
}, 30_000)

/** A minimal cookie-keeping client for one server. */
class Client {
  cookie: string | undefined
  constructor(readonly base: string) {}
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    if (this.cookie !== undefined) headers.set('Cookie', `session=${this.cookie}`)
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' })
    const set = sessionSetCookie(res)
    if (set !== undefined) this.cookie = set.attributes['max-age'] === '0' ? undefined : set.value
    return res
  }
  async text(path: string, init?: RequestInit): Promise<string> {
    return (await this.request(path, init)).text()
  }
}

async function mintWith(secret: string): Promise<string> {
  const minted = testApp({ secret, clock: Date.now, audience: SESSION_AUDIENCE })
  return sessionSetCookie(await minted.app.request('/set?key=username&value="user"'))!.value
}

for (const name of RUNTIME_NAMES) {
  describe(`${name}`, () => {
    const client = () => new Client(servers[name].url)

    test('the tutorial: set, check, pop', async () => {
      const c = client()
      expect(await c.text('/test/session/check')).toBe('You are not logged in')
      const set = await c.request('/test/session/set')
      expect(set.status).toBe(200)
      expect(set.headers.get('Content-Type')).toMatch(/^text\/plain;\s?charset=utf-8$/i)
      expect(await set.text()).toBe('Test')
      expect(set.headers.getSetCookie()).toHaveLength(1)
      expect(sessionSetCookie(set)!.attributes).toEqual({ path: '/', httponly: true, samesite: 'Lax' })
      expect(set.headers.get('Cache-Control')).toBe('private, no-store')
      expect(set.headers.get('Vary')).toBe('Cookie')
      expect(await c.text('/test/session/check')).toBe('Logged in as user')
      expect(await c.text('/test/session/pop')).toBe('Test')
      expect(c.cookie).toBeUndefined()
      expect(await c.text('/test/session/check')).toBe('You are not logged in')
    })

    test('key rotation: a token signed with the fallback secret is accepted and reissued with the current one', async () => {
      const c = client()
      c.cookie = await mintWith(OLD_SECRET)
      const oldKid = headerOf(c.cookie).kid
      expect(await c.text('/test/session/check')).toBe('Logged in as user')
      expect(headerOf(c.cookie).kid).not.toBe(oldKid)
      expect(headerOf(c.cookie).kid).toBe(headerOf(await mintWith(SECRET)).kid)
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
        const res = await fetch(`${servers[name].url}/test/session/check`, { headers: { Cookie: `session=${cookie}` } })
        expect(res.status).toBe(200)
        expect(await res.text()).toBe('You are not logged in')
      }
    })

    test('log in, fill the cart, check out, log out', async () => {
      const c = client()
      await c.request('/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ productId: 'gift-card-25', quantity: 2 }) })
      const login = await c.request('/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'password' }) })
      expect(login.status).toBe(303)
      expect(login.headers.get('Location')).toBe('/')
      expect(await (await c.request('/api/me')).json()).toEqual({ user: { id: 'u-1', name: 'user' } })
      expect(await c.text('/')).toContain('Logged in as user.')
      const checkout = await c.request('/api/cart/checkout', { method: 'POST' })
      expect(checkout.status).toBe(200)
      expect(((await checkout.json()) as { order: { total: number } }).order.total).toBe(5000)
      const wrong = await client().request('/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'nope' }) })
      expect(wrong.status).toBe(401)
      const cross = await c.request('/logout', { method: 'POST', headers: { Origin: 'https://evil.example' } })
      expect(cross.status).toBe(403)
      expect((await c.request('/logout', { method: 'POST' })).status).toBe(303)
      expect((await c.request('/api/me')).status).toBe(401)
    })
  })
}

describe('one secret, every runtime', () => {
  test('a token issued by each runtime is accepted by every other', async () => {
    const kids = new Set<unknown>()
    for (const from of RUNTIME_NAMES) {
      const issuer = new Client(servers[from].url)
      await issuer.request('/test/session/set')
      kids.add(headerOf(issuer.cookie!).kid)
      for (const to of RUNTIME_NAMES) {
        const reader = new Client(servers[to].url)
        reader.cookie = issuer.cookie
        expect(`${from} → ${to}: ${await reader.text('/test/session/check')}`).toBe(`${from} → ${to}: Logged in as user`)
        expect(claimsOf(reader.cookie!).sid).toBe(claimsOf(issuer.cookie!).sid)
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

test('start:deno allows exactly the variables the app reads', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>
  const allowed = /--allow-env=(\S+)/.exec(scripts['start:deno']!)![1]!.split(',')
  expect(allowed.sort()).toEqual([...VARIABLES].sort())
  expect(scripts['start:deno']).not.toMatch(/--allow-(all|read|write|run|ffi|sys)|\s-A\s/)
})
