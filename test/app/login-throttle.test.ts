// The login flood (issue 10, finding 1): attempts throttled by client address and by account name with
// exponential backoff (429 + Retry-After), password checks capped (503 + Retry-After beyond a short line),
// unknown names throttled exactly like known ones, the client address from the socket or a trusted proxy
// header only. Time is the app's injected clock; nothing here sleeps.
import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { ConcurrencyLimit } from '../../src/app/auth/concurrency.ts'
import { defaultLoginLimits, type LoginLimits } from '../../src/app/auth/login-guard.ts'
import { Throttle, type BackoffRule } from '../../src/app/auth/throttle.ts'
import { DEMO_USER, MemoryUserStore, type User, type UserStore } from '../../src/app/auth/users.ts'
import { addressKey, clientAddress } from '../../src/app/http/client-address.ts'
import { appWithLog, formPost } from '../support/app-with-log.ts'

const SECOND = 1000
const MINUTE = 60 * SECOND
const RULE: BackoffRule = { freeAttempts: 5, firstLockout: SECOND, maxLockout: 15 * MINUTE, forgetAfter: 60 * MINUTE, maxKeys: 100 }

describe('Throttle: a few attempts, then exponentially growing lock-outs', () => {
  test('5 free attempts, then 1 s, 2 s, 4 s, ... up to 15 minutes', () => {
    const throttle = new Throttle(RULE)
    let now = 0
    const lockouts: number[] = []
    for (let i = 0; i < 16; i++) {
      expect(throttle.wait('k', now)).toBe(0)
      lockouts.push(throttle.charge('k', now))
      now += throttle.wait('k', now)
    }
    expect(lockouts).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((s) => s * SECOND))
  })

  test('the wait counts down with the clock', () => {
    const throttle = new Throttle(RULE)
    for (let i = 0; i < 7; i++) throttle.charge('k', 0)
    expect(throttle.wait('k', 0)).toBe(4 * SECOND)
    expect(throttle.wait('k', 3 * SECOND)).toBe(SECOND)
    expect(throttle.wait('k', 4 * SECOND)).toBe(0)
    expect(throttle.wait('other', 0)).toBe(0)
  })

  test('a refund gives one attempt back and lifts a lock-out below the free attempts; forget clears the key', () => {
    const throttle = new Throttle(RULE)
    for (let i = 0; i < 5; i++) throttle.charge('k', 0)
    expect(throttle.wait('k', 0)).toBe(SECOND)
    throttle.refund('k')
    expect(throttle.wait('k', 0)).toBe(0)
    expect(throttle.charge('k', 0)).toBe(SECOND) // the 5th attempt again
    throttle.forget('k')
    expect(throttle.charge('k', 0)).toBe(0)
  })

  test('a key is forgotten an hour after its last attempt, not while locked out', () => {
    const throttle = new Throttle({ ...RULE, forgetAfter: 20 * MINUTE })
    for (let i = 0; i < 16; i++) throttle.charge('k', 0)
    expect(throttle.wait('k', 15 * MINUTE - 1)).toBe(1)
    expect(throttle.charge('k', 19 * MINUTE)).toBe(15 * MINUTE) // still counted: the 17th attempt
    expect(throttle.charge('k', 39 * MINUTE)).toBe(0) // 20 minutes of silence: a fresh start
  })

  test('memory is bounded: at most maxKeys keys, the least recently tried unlocked one forgotten first, stale keys dropped', () => {
    const throttle = new Throttle(RULE)
    for (let i = 0; i < 30_000; i++) throttle.charge(`name-${i}`, i)
    expect(throttle.size).toBe(100)
    for (let i = 0; i < 5; i++) throttle.charge('victim', 30_000)
    expect(throttle.wait('victim', 30_000)).toBe(SECOND)
    throttle.charge('name-29999', 30_001) // tried again: now the most recent
    for (let i = 0; i < 98; i++) throttle.charge(`new-${i}`, 30_002)
    expect(throttle.size).toBe(100)
    expect(throttle.wait('victim', 30_002)).toBe(SECOND - 2) // still remembered
    throttle.charge('one-more', 30_003)
    expect(throttle.size).toBe(100)
    expect(throttle.wait('victim', 30_003)).toBe(SECOND - 3) // locked, so kept: an unlocked key went instead
    throttle.charge('late', 30_003 + 60 * MINUTE)
    expect(throttle.size).toBe(1) // everyone else is an hour stale
  })

  test('a flood of attempts on other names does not free a locked key: the full table forgets unlocked keys first', () => {
    const throttle = new Throttle(RULE)
    for (let i = 0; i < RULE.freeAttempts; i++) throttle.charge('victim', 0)
    expect(throttle.wait('victim', 0)).toBeGreaterThan(0)
    for (let i = 0; i < 10 * RULE.maxKeys; i++) throttle.charge(`other-${i}`, 1)

    expect(throttle.size).toBe(RULE.maxKeys)
    expect(throttle.wait('victim', 1)).toBeGreaterThan(0)
  })

  test('a rule that would forget a key while it is locked out is refused', () => {
    expect(() => new Throttle({ ...RULE, forgetAfter: MINUTE })).toThrow('forgetAfter must be at least maxLockout')
  })
})

describe('ConcurrencyLimit: a few at once, a short line, the rest refused at once', () => {
  test('runs maxRunning, queues maxWaiting in order, refuses beyond; a release hands the slot on', async () => {
    const limit = new ConcurrencyLimit(1, 2)
    const order: string[] = []
    const a = limit.enter()!
    const b = limit.enter()!
    const c = limit.enter()!
    expect(limit.enter()).toBeUndefined()
    expect([limit.running, limit.waiting]).toEqual([1, 2])
    void b.then(() => order.push('b'))
    void c.then(() => order.push('c'))
    const releaseA = await a
    await Promise.resolve()
    expect(order).toEqual([])
    releaseA()
    releaseA() // a second release changes nothing
    const releaseB = await b
    expect(order).toEqual(['b'])
    expect([limit.running, limit.waiting]).toEqual([1, 1])
    expect(limit.enter()).toBeDefined() // a place in line again
    releaseB()
    ;(await c)()
    expect(limit.running).toBe(1) // the one that queued last now runs
  })
})

describe('the client address', () => {
  test('IPv4 as is; IPv4-mapped IPv6 as IPv4; other IPv6 by its /64; ports, brackets and zones dropped', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1')
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(addressKey('::FFFF:c000:201')).toBe('192.0.2.1')
    expect(addressKey('192.0.2.1:51234')).toBe('192.0.2.1')
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64')
    expect(addressKey('[2001:DB8:1:2::1]:443')).toBe('2001:db8:1:2::/64')
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'))
    expect(addressKey(undefined)).toBe('unknown')
    expect(addressKey('')).toBe('unknown')
    expect(addressKey('not-an-address')).toBe('not-an-address')
    expect(addressKey('x'.repeat(500))).toHaveLength(64)
    expect(addressKey('1.2.3.256')).toBe('1.2.3.256') // not an address: kept as text
  })

  test('a trusted proxy header\'s right-most entry; the socket when the header is absent or not trusted', async () => {
    const app = new Hono<{ Bindings: { remote: string } }>()
    app.get('/trusted', (c) => c.text(String(clientAddress(c, { trustedHeader: 'X-Forwarded-For', socketAddress: (c) => c.env.remote }))))
    app.get('/socket', (c) => c.text(String(clientAddress(c, { socketAddress: (c) => c.env.remote }))))
    const ask = async (path: string, headers: Record<string, string> = {}) => (await app.request(path, { headers }, { remote: '10.0.0.9' })).text()
    expect(await ask('/trusted', { 'X-Forwarded-For': '6.6.6.6, 198.51.100.7' })).toBe('198.51.100.7')
    expect(await ask('/trusted', { 'X-Forwarded-For': '198.51.100.7' })).toBe('198.51.100.7')
    expect(await ask('/trusted', { 'X-Forwarded-For': ' , ' })).toBe('10.0.0.9')
    expect(await ask('/trusted')).toBe('10.0.0.9')
    expect(await ask('/socket', { 'X-Forwarded-For': '198.51.100.7' })).toBe('10.0.0.9')
  })
})

/**
 * A user store that counts password checks and can hold them until the test lets them finish. With
 * `real`, the checks are the app's own (PBKDF2, the decoy hash for unknown names); else a plain comparison,
 * since most of these tests are about what happens before a check, not about its cost.
 */
class WatchedStore implements UserStore {
  readonly inner: UserStore
  checks = 0
  running = 0
  maxRunning = 0
  held: (() => void)[] = []
  hold = false

  constructor(real: boolean) {
    this.inner = real
      ? new MemoryUserStore([DEMO_USER])
      : { findById: async () => undefined, authenticate: async (name, password) => (name === 'user' && password === 'password' ? { id: 'u-1', name } : undefined) }
  }

  findById(id: string) {
    return this.inner.findById(id)
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    this.checks++
    this.running++
    this.maxRunning = Math.max(this.maxRunning, this.running)
    try {
      if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve))
      return await this.inner.authenticate(name, password)
    } finally {
      this.running--
    }
  }
}

/** The real app, its clients told apart by the socket address each test request names. */
function throttledApp(options: { login?: Partial<LoginLimits>; trustedProxyHeader?: string; realPasswords?: boolean } = {}) {
  const { realPasswords = false, ...overrides } = options
  const users = new WatchedStore(realPasswords)
  const t = appWithLog({ users, socketAddress: (c) => (c.env as { remote?: string } | undefined)?.remote, ...overrides })
  const login = async (username: string, password: string, remote = '192.0.2.10', headers: Record<string, string> = {}): Promise<Response> =>
    t.app.request('/login', formPost({ username, password }, headers), { remote })
  return { ...t, users, login }
}

/** What a client can observe of a login answer: status, Retry-After, and the page without the echoed name. */
async function observed(res: Response) {
  return { status: res.status, retryAfter: res.headers.get('Retry-After'), page: (await res.text()).replace(/value="[^"]*"/, '') }
}

describe('POST /login: throttled by account name, with backoff', () => {
  test('5 wrong passwords, then 429 with Retry-After (1 s, then 2 s, ...), without checking any password', async () => {
    const { login, clock, users } = throttledApp()
    for (let i = 0; i < 5; i++) expect((await login('user', 'wrong')).status).toBe(401)
    const refused = await login('user', 'password') // even the right one: it is not looked at
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('1')
    expect(refused.headers.get('Content-Type')).toStartWith('text/html')
    expect(await refused.text()).toContain('Too many login attempts. Try again in 1 second.')
    expect(refused.headers.getSetCookie()).toEqual([])
    expect(users.checks).toBe(5)
    clock.advance(1)
    expect((await login('user', 'wrong')).status).toBe(401)
    const next = await login('user', 'wrong')
    expect([next.status, next.headers.get('Retry-After')]).toEqual([429, '2'])
    clock.advance(2)
    expect((await login('user', 'password')).status).toBe(303) // a success clears the account's count
    for (let i = 0; i < 5; i++) expect((await login('user', 'wrong')).status).toBe(401)
  })

  test('a long lock-out is said in minutes and capped at 15', async () => {
    const { login, clock } = throttledApp()
    const waits: number[] = []
    let page = ''
    for (let attempt = 0; attempt < 100 && waits.length < 12; attempt++) {
      const res = await login('user', 'wrong')
      if (res.status !== 429) continue
      waits.push(Number(res.headers.get('Retry-After')))
      page = await res.text()
      clock.advance(waits.at(-1)!)
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900])
    expect(page).toContain('Try again in 15 minutes.')
  })

  test('spreading guesses over many addresses does not escape the account\'s limit', async () => {
    const { login } = throttledApp()
    for (let i = 0; i < 5; i++) expect((await login('user', `guess-${i}`, `198.51.100.${i}`)).status).toBe(401)
    expect((await login('user', 'guess-5', '198.51.100.200')).status).toBe(429)
  })

  test('a name is counted by its first 128 characters, so a long one costs no more memory', async () => {
    const { login } = throttledApp()
    const prefix = 'n'.repeat(128)
    for (let i = 0; i < 5; i++) expect((await login(`${prefix}${i}${'x'.repeat(10_000)}`, 'x', `198.51.100.${i}`)).status).toBe(401)
    expect((await login(prefix, 'x', '198.51.100.99')).status).toBe(429)
  })

  test('an unknown name and a wrong password are throttled and answered exactly alike', async () => {
    const { login, clock } = throttledApp({ realPasswords: true })
    const run = async (username: string, remote: string) => {
      const seen = []
      for (let i = 0; i < 9; i++) {
        seen.push(await observed(await login(username, 'wrong', remote)))
        if (i === 6) clock.advance(1)
      }
      return seen
    }
    const known = await run('user', '192.0.2.1')
    clock.advance(3600)
    const unknown = await run('nobody', '192.0.2.2')
    expect(unknown).toEqual(known)
    expect(known.map((o) => o.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 401, 429])
  })
})

describe('POST /login: throttled by client address', () => {
  test('20 attempts from one address, whatever the names, then 429; other addresses go on', async () => {
    const { login, lines } = throttledApp()
    for (let i = 0; i < 20; i++) expect((await login(`name-${i}`, 'x', '203.0.113.5')).status).toBe(401)
    const refused = await login('someone-new', 'x', '203.0.113.5')
    expect([refused.status, refused.headers.get('Retry-After')]).toEqual([429, '1'])
    expect((await login('user', 'password', '203.0.113.6')).status).toBe(303)
    // One line per lock-out with the (escaped) address, never a name.
    expect(lines.filter((line) => line.startsWith('Login throttled'))).toEqual(['Login throttled: address 203.0.113.5 locked out for 1 s'])
  })

  test('a correct login gives its attempt back to the address', async () => {
    const { login } = throttledApp()
    for (let i = 0; i < 19; i++) await login(`name-${i}`, 'x', '203.0.113.5')
    for (let i = 0; i < 3; i++) expect((await login('user', 'password', '203.0.113.5')).status).toBe(303)
    expect((await login('name-20', 'x', '203.0.113.5')).status).toBe(401) // the 20th failure: allowed, then locked
    expect((await login('name-21', 'x', '203.0.113.5')).status).toBe(429)
  })

  test('IPv6 clients are counted by their /64', async () => {
    const { login } = throttledApp()
    for (let i = 0; i < 20; i++) expect((await login(`n${i}`, 'x', `2001:db8:5:6::${i + 1}`)).status).toBe(401)
    expect((await login('n20', 'x', '2001:db8:5:6:ffff::1')).status).toBe(429)
    expect((await login('n21', 'x', '2001:db8:5:7::1')).status).toBe(401)
  })

  test('behind a proxy: the trusted header\'s right-most address, never the part a client wrote', async () => {
    const { login } = throttledApp({ trustedProxyHeader: 'X-Forwarded-For' })
    const from = (client: string, forged: string) => ({ 'X-Forwarded-For': `${forged}, ${client}` })
    for (let i = 0; i < 20; i++) expect((await login(`n${i}`, 'x', '10.0.0.1', from('198.51.100.9', `6.6.6.${i}`))).status).toBe(401)
    expect((await login('n20', 'x', '10.0.0.1', from('198.51.100.9', '7.7.7.7'))).status).toBe(429)
    expect((await login('n21', 'x', '10.0.0.1', from('198.51.100.10', '6.6.6.6'))).status).toBe(401) // another client, same proxy
  })

  test('without TRUSTED_PROXY_HEADER, X-Forwarded-For is ignored: a client cannot pick a fresh address per attempt', async () => {
    const { login } = throttledApp()
    for (let i = 0; i < 20; i++) await login(`n${i}`, 'x', '192.0.2.77', { 'X-Forwarded-For': `10.1.1.${i}` })
    expect((await login('n20', 'x', '192.0.2.77', { 'X-Forwarded-For': '10.9.9.9' })).status).toBe(429)
  })
})

describe('POST /login: password checks are capped; a short line, then 503', () => {
  test('the review\'s flood (200 at once, one address, one unknown name): 5 checks, 195 refused at once', async () => {
    const { login, users } = throttledApp({ realPasswords: true })
    const answers = await Promise.all(Array.from({ length: 200 }, () => login('nobody', 'x')))
    const statuses = answers.map((res) => res.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(195)
    expect(users.checks).toBe(5)
    expect(users.maxRunning).toBeLessThanOrEqual(defaultLoginLimits().concurrentChecks)
  }, 20_000)

  test('1 running and 2 waiting: a 4th at once gets 503 with Retry-After: 1 and is not counted', async () => {
    const { login, users } = throttledApp({ login: { concurrentChecks: 1, queuedChecks: 2 } })
    users.hold = true
    const settled = new Map<number, Response>()
    const send = (i: number, name: string, password = 'x') => void login(name, password, `192.0.2.${i}`).then((res) => settled.set(i, res))
    // Turns of the event loop until `done`, a bounded number: a regression fails the test instead of hanging it.
    const until = async (done: () => boolean) => {
      for (let turn = 0; !done(); turn++) {
        if (turn > 10_000) throw new Error('gave up waiting')
        await Bun.sleep(0)
      }
    }
    send(1, 'a')
    await until(() => users.checks === 1) // running, and held
    send(2, 'b')
    send(3, 'c')
    send(4, 'user', 'password')
    await until(() => settled.size === 1) // the one that found no place in line is answered at once
    const [refused, busy] = [...settled][0]!
    expect(refused).not.toBe(1)
    expect([busy!.status, busy!.headers.get('Retry-After')]).toEqual([503, '1'])
    expect(await busy!.text()).toContain('The server is busy checking other logins. Try again in a moment.')
    await until(() => {
      users.held.shift()?.()
      return settled.size === 4
    })
    expect(users.checks).toBe(3)
    expect(users.maxRunning).toBe(1)
    expect([...settled.values()].map((res) => res.status).sort()).toEqual([401, 401, 503, refused === 4 ? 401 : 303].sort())
    users.hold = false
    expect((await login('user', 'password', `192.0.2.${refused}`)).status).toBe(303) // the 503 cost that client nothing
  })

  test('the defaults: checks on all cores but one (at least one), a line of 8 per check, 20 per address, 5 per name', () => {
    const limits = defaultLoginLimits()
    const cores = navigator.hardwareConcurrency
    expect(limits.concurrentChecks).toBe(Math.max(1, cores - 1))
    expect(limits.queuedChecks).toBe(8 * limits.concurrentChecks)
    expect([limits.perAddress.freeAttempts, limits.perAccount.freeAttempts]).toEqual([20, 5])
    expect(limits.perAccount.maxLockout).toBe(15 * MINUTE)
    expect([limits.perAddress.maxKeys, limits.perAccount.maxKeys]).toEqual([10_000, 10_000])
  })
})
