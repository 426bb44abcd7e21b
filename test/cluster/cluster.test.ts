// Scale-out, as the independent client checks it: three real instances of the Bun entry
// behind real HAProxy (round robin), sharing one real, persistent redis-server. Logins go through the
// balancer; a revocation made through one instance must be refused by every instance on its next
// request — each is asked directly and through the balancer. Then Redis crashes, is flushed and is
// stopped, and an instance is killed. The servers run on real time: the only waits are polls for a
// process, a port or a Redis reconnection, and one for the clock's second where the docs say so.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { RedisRevocationStore } from 'hono-jwt-session/redis'
import { sessionCookie, TestClock } from 'hono-jwt-session/testing'
import { createApp, SESSION_AUDIENCE } from '../../src/app/app.ts'
import { REDIS_PREFIX } from '../../src/app/boot.ts'
import { loadConfig } from '../../src/app/config.ts'
import { Cluster } from '../support/cluster.ts'
import { claimsOf } from '../support/forge.ts'
import { haproxyAvailable } from '../support/load-balancer.ts'
import { redisAvailable } from '../support/redis-server.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { form, json } from '../support/shop.ts'

const LOGIN = form({ username: 'user', password: 'password' })
const run = redisAvailable() && haproxyAvailable()
let cluster: Cluster

beforeAll(async () => {
  if (run) cluster = await Cluster.start({ secret: SECRET })
}, 30_000)

afterAll(async () => {
  await cluster?.[Symbol.asyncDispose]()
}, 30_000)

/** Polls `condition` every `every` ms until it holds; fails naming `what` after `ms`. */
async function until(what: string, condition: () => Promise<boolean>, ms = 15_000, every = 50): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(every)
  }
}

/** A browser that logged in through the balancer. */
async function loggedIn(): Promise<StrictCookieJar> {
  const jar = new StrictCookieJar()
  const res = await jar.request(cluster.balancer, '/login', LOGIN)
  if (res.status !== 303) throw new Error(`login through the balancer answered ${res.status}`)
  return jar
}

/** An anonymous visitor who put a gift card in the cart through the balancer. */
async function anonymousWithCart(): Promise<StrictCookieJar> {
  const jar = new StrictCookieJar()
  await jar.request(cluster.balancer, '/api/cart/items', json('POST', { productId: 'gift-card-25' }))
  return jar
}

interface Answers {
  /** Instance i asked directly. */
  direct: number[]
  /** Instance i (by X-Served-By) asked through the balancer. */
  balanced: number[]
}

/** The same answer from every instance, directly and through the balancer. */
const fromEvery = (status: number): Answers => ({ direct: [status, status, status], balanced: [status, status, status] })

/**
 * How each instance answers `path` for this session token: each asked directly, then each through the
 * balancer (round robin reaches all three in turn). Every request carries the token alone, as a copy
 * of the cookie would, so one refusal (which deletes the cookie) does not hide the next instance's answer.
 */
async function answers(token: string, path = '/api/me', check?: (res: Response) => void | Promise<void>, method = 'GET'): Promise<Answers> {
  const headers = { Cookie: `session=${token}` }
  const direct: number[] = []
  for (const instance of cluster.instances) {
    const res = await instance.request(path, { method, headers })
    await check?.(res)
    direct.push(res.status)
    await res.body?.cancel()
  }
  const balanced = cluster.instances.map(() => 0)
  for (let i = 0; i < 3 * cluster.instances.length && balanced.includes(0); i++) {
    const res = await cluster.balancer.request(path, { method, headers })
    await check?.(res)
    const by = Cluster.servedBy(res)
    if (balanced[by] === 0) balanced[by] = res.status
    await res.body?.cancel()
  }
  return { direct, balanced }
}

const token = (jar: StrictCookieJar): string => jar.get('session')!

/**
 * A session the store never confirmed (a token without an epoch, as from before revocation was on) and
 * without a subject, so no "everywhere" ends it: every instance must ask Redis about it each time.
 */
const probe = sessionCookie({ secret: SECRET, cookie: { secure: false }, audience: SESSION_AUDIENCE }, { username: 'user' })

/** Polls until every instance gets answers from Redis again (after a restart: the clients reconnect by themselves). */
async function redisAnswersEveryInstance(): Promise<void> {
  const headers = { Cookie: await probe }
  await until('every instance to reach Redis again', async () => {
    const texts = await Promise.all(cluster.instances.map(async (instance) => (await instance.request('/test/session/check', { headers })).text()))
    return texts.every((text) => text === 'Logged in as user')
  })
}

/** Lines the instances printed for cookies refused with `reason` so far. */
const refusals = (reason: string): number => cluster.output().split(`Session cookie refused (${reason})`).length - 1

describe.if(run)('three instances behind HAProxy sharing one Redis', () => {
  test('the balancer sends consecutive requests to each instance in turn', async () => {
    const served: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await cluster.balancer.request('/api/products')
      await res.arrayBuffer()
      served.push(Cluster.servedBy(res))
    }

    expect([...served.slice(0, 3)].sort()).toEqual([0, 1, 2])
    expect(served.slice(3)).toEqual(served.slice(0, 3))
  })

  test('a session made through the balancer is accepted by every instance', async () => {
    expect(await answers(token(await loggedIn()))).toEqual(fromEvery(200))
  })

  describe('a logout through one instance', () => {
    let first: string
    let reissued: string
    let phone: StrictCookieJar
    let visitor: StrictCookieJar

    beforeAll(async () => {
      if (!run) return
      const browser = await loggedIn()
      first = token(browser)
      await browser.request(cluster.balancer, '/api/cart/items', json('POST', { productId: 'gift-card-25' }))
      reissued = token(browser)
      phone = await loggedIn()
      visitor = await anonymousWithCart()
      const logout = await browser.request(cluster.instances[1]!, '/logout', form({}))
      if (logout.status !== 303 || browser.get('session') !== undefined) throw new Error('the logout did not happen')
    }, 15_000)

    test('the copied cookie is refused by every instance on its next request, directly and through the balancer', async () => {
      expect(await answers(first)).toEqual(fromEvery(401))
    })

    test('a token reissued to the session before the logout (it keeps the session id) is refused by every instance too', async () => {
      expect([reissued !== first, claimsOf(reissued).sid === claimsOf(first).sid]).toEqual([true, true])
      expect(await answers(reissued)).toEqual(fromEvery(401))
    })

    test('the copy cannot check out, and GET /api/cart deletes it instead of reissuing it, on every instance', async () => {
      const deletions: boolean[] = []
      const noCookieKept = (res: Response) => {
        deletions.push(res.headers.getSetCookie().every((line) => !line.startsWith('session=') || /Max-Age=0/i.test(line)))
      }

      expect(await answers(reissued, '/api/cart/checkout', noCookieKept, 'POST')).toEqual(fromEvery(401))
      expect(await answers(reissued, '/api/cart', noCookieKept)).toEqual(fromEvery(200))
      expect(deletions).toEqual(Array(12).fill(true))
    })

    test("the same user's other session survives on every instance", async () => {
      expect(await answers(token(phone))).toEqual(fromEvery(200))
    })

    test("an anonymous visitor's cart is untouched on every instance", async () => {
      const carts: number[] = []
      const itemCount = async (res: Response) => {
        carts.push(((await res.clone().json()) as { itemCount: number }).itemCount)
      }

      expect(await answers(token(visitor), '/api/cart', itemCount)).toEqual(fromEvery(200))
      expect(carts).toEqual([1, 1, 1, 1, 1, 1])
    })
  })

  describe('Redis stopped', () => {
    let recent: string
    let older: string
    let leaving: StrictCookieJar
    let stolen: string

    /**
     * A session last confirmed two minutes ago, longer than the outage grace (60 s): made by the app
     * in this process, on the same Redis, with its clock two minutes behind.
     */
    async function confirmedTwoMinutesAgo(): Promise<string> {
      const redis = new RedisClient(cluster.redis.url)
      await redis.connect()
      const config = loadConfig(cluster.env, { sharedStore: () => ({ store: new RedisRevocationStore(redis, { prefix: REDIS_PREFIX }), description: 'in Redis' }) })
      const clock = new TestClock(Date.now() - 120_000)
      const app = createApp({ ...config, session: { ...config.session, clock: clock.now }, log: { warn: () => {}, error: () => {} } })
      const jar = new StrictCookieJar()
      await jar.request(app, '/login', LOGIN)
      redis.close()
      return token(jar)
    }

    beforeAll(async () => {
      if (!run) return
      recent = token(await loggedIn())
      older = await confirmedTwoMinutesAgo()
      leaving = await loggedIn()
      stolen = token(leaving)
      await cluster.redis.stop()
    }, 15_000)

    test('a recently confirmed session is served by every instance, JSON and pages alike', async () => {
      expect(await answers(recent)).toEqual(fromEvery(200))
      expect(await answers(recent, '/')).toEqual(fromEvery(200))
    })

    test('an older one gets 503 with Retry-After from every instance, JSON and pages alike (never a 500)', async () => {
      const retryAfter: number[] = []
      const record = (res: Response) => {
        retryAfter.push(Number(res.headers.get('Retry-After')))
      }

      expect(await answers(older, '/api/me', record)).toEqual(fromEvery(503))
      expect(await answers(older, '/', record)).toEqual(fromEvery(503))
      expect(retryAfter.every((seconds) => seconds >= 1 && seconds <= 2)).toBe(true)
    })

    test('anonymous visitors are served: pages, the catalogue, a new cart', async () => {
      const statuses = []
      for (const path of ['/', '/products', '/cart', '/api/products']) statuses.push((await cluster.balancer.request(path)).status)
      statuses.push((await anonymousWithCart().then((jar) => jar.request(cluster.balancer, '/api/cart'))).status)

      expect(statuses).toEqual([200, 200, 200, 200, 200])
    })

    test('a logout answers 503 with Retry-After: it cannot be recorded', async () => {
      const res = await leaving.request(cluster.instances[0]!, '/api/logout', { method: 'POST' })

      expect([res.status, Number(res.headers.get('Retry-After')) >= 1, leaving.get('session')]).toEqual([503, true, stolen])
    })

    test('service returns by itself when Redis does: the older session is served again by every instance', async () => {
      await cluster.redis.restart()
      await redisAnswersEveryInstance()

      expect(await answers(older)).toEqual(fromEvery(200))
    }, 30_000)

    // The library bug pinned in test/session/revocation.test.ts ("a write the store refused (503) is not
    // remembered here either"), as a client sees it: instance 0 remembered the refused revocation, so
    // the retried logout there finds no session, answers 204 and records nothing; instances 1 and 2
    // serve the copy. Remove `.failing` once the library is fixed.
    test('the logout retried once Redis is back ends the copy on every instance', async () => {
      expect((await leaving.request(cluster.instances[0]!, '/api/logout', { method: 'POST' })).status).toBe(204)

      expect(await answers(stolen)).toEqual(fromEvery(401))
    })
  })

  describe('"log out everywhere" through one instance', () => {
    let laptop: StrictCookieJar
    let phone: string
    let visitor: StrictCookieJar
    let status: number

    beforeAll(async () => {
      if (!run) return
      phone = token(await loggedIn())
      visitor = await anonymousWithCart()
      laptop = await loggedIn()
      status = (await laptop.request(cluster.instances[0]!, '/api/logout', json('POST', { everywhere: true }))).status
    }, 15_000)

    afterAll(async () => {
      // The cut-off has one-second resolution (as documented): a login in the same second would be
      // ended too, so the tests after these start in the next second.
      const second = Math.floor(Date.now() / 1000)
      while (Math.floor(Date.now() / 1000) === second) await Bun.sleep(10)
    })

    test('answers 204 and leaves the caller with no session', () => {
      expect([status, laptop.get('session')]).toEqual([204, undefined])
    })

    test("ends another device's session on every instance", async () => {
      expect(await answers(phone)).toEqual(fromEvery(401))
    })

    test("leaves an anonymous visitor's cart alone on every instance", async () => {
      const carts: number[] = []
      const itemCount = async (res: Response) => {
        carts.push(((await res.clone().json()) as { itemCount: number }).itemCount)
      }

      expect(await answers(token(visitor), '/api/cart', itemCount)).toEqual(fromEvery(200))
      expect(carts).toEqual([1, 1, 1, 1, 1, 1])
    })
  })

  describe('Redis crashes (kill -9) and restarts, with appendonly', () => {
    let copy: string
    let other: string

    beforeAll(async () => {
      if (!run) return
      const browser = await loggedIn()
      copy = token(browser)
      other = token(await loggedIn())
      // Through instance 0 only: instances 1 and 2 never see this session before the crash, so they
      // can learn of its revocation from Redis alone.
      await browser.request(cluster.instances[0]!, '/api/logout', { method: 'POST' })
      await cluster.redis.kill()
      await cluster.redis.restart()
      await redisAnswersEveryInstance()
    }, 30_000)

    test('the revocation survives: the copy is refused by every instance', async () => {
      expect(await answers(copy)).toEqual(fromEvery(401))
    })

    test('nothing was reset: the other session is accepted by every instance', async () => {
      expect(await answers(other)).toEqual(fromEvery(200))
    })
  })

  describe('FLUSHALL, a store reset', () => {
    let user: string
    let visitor: string
    let resetsBefore: number

    beforeAll(async () => {
      if (!run) return
      user = token(await loggedIn())
      visitor = token(await anonymousWithCart())
      resetsBefore = refusals('store-reset')
      cluster.redis.cli('FLUSHALL')
    }, 15_000)

    test('ends every session checked before it, on every instance, as store-reset', async () => {
      expect(await answers(user)).toEqual(fromEvery(401))
      await until('the instances to log six refusals', async () => refusals('store-reset') - resetsBefore >= 6, 2_000)
      expect(refusals('store-reset') - resetsBefore).toBe(6)
    })

    test('ends anonymous sessions checked before it too: the cart is gone', async () => {
      const res = await cluster.balancer.request('/api/cart', { headers: { Cookie: `session=${visitor}` } })

      expect(((await res.json()) as { itemCount: number }).itemCount).toBe(0)
    })

    test('a new login after it works on every instance', async () => {
      expect(await answers(token(await loggedIn()))).toEqual(fromEvery(200))
    })
  })

  describe('one instance killed (SIGKILL) mid-way', () => {
    let session: string

    beforeAll(async () => {
      if (run) session = token(await loggedIn())
    }, 15_000)

    test('a request it was handling when it died is answered by another instance (HAProxy sends it again)', async () => {
      /** Requests the catalogue until the balancer's next pick is instance i (round robin: after i - 1). */
      const nextGoesTo = async (i: number) => {
        for (;;) {
          const res = await cluster.balancer.request('/api/products')
          await res.arrayBuffer()
          if (Cluster.servedBy(res) === (i + 2) % 3) return
        }
      }
      // Two logins for instance 1: the second waits there for the first one's password check (one at a
      // time on this machine's instances), so it is in flight when the instance dies.
      await nextGoesTo(1)
      const first = cluster.balancer.request('/login', LOGIN)
      await until('the first login to reach instance 1', async () => (await cluster.balancer.sessionsOn(1)) >= 1, 5_000, 2)
      await nextGoesTo(1)
      const second = cluster.balancer.request('/login', LOGIN)
      await until('both logins to be with instance 1', async () => (await cluster.balancer.sessionsOn(1)) >= 2, 5_000, 2)
      await cluster.kill(1)
      const answers = await Promise.all([first, second].map(async (pending) => {
        const res = await pending
        return [res.status, Cluster.servedBy(res)]
      }))

      expect(answers.map(([status]) => status)).toEqual([303, 303])
      expect(answers[1]![1]).not.toBe(1)
      // HAProxy logs each request it sent again, with the instance that answered it in the end and its
      // retries ("+1": sent to another instance).
      expect(cluster.balancer.output()).toMatch(/instances\/app[02] \S+ 303 .*\/\+\d+ \S+ "POST \/login /)
    }, 15_000)

    test('the balancer keeps serving: every request is answered, by the other instances', async () => {
      const served: [number, number][] = []
      for (let i = 0; i < 6; i++) {
        const res = await cluster.balancer.request('/api/me', { headers: { Cookie: `session=${session}` } })
        await res.arrayBuffer()
        served.push([res.status, Cluster.servedBy(res)])
      }

      expect(served.every(([status, by]) => status === 200 && by !== 1)).toBe(true)
    })

    test('sessions stay valid on the others', async () => {
      const statuses = await Promise.all([0, 2].map(async (i) => (await cluster.instances[i]!.request('/api/me', { headers: { Cookie: `session=${session}` } })).status))

      expect(statuses).toEqual([200, 200])
    })

    test('started again on its port, the instance is back in the rotation and accepts the same session', async () => {
      await cluster.restart(1)
      await until('the balancer to send requests to the restarted instance', async () => {
        const res = await cluster.balancer.request('/api/products')
        await res.arrayBuffer()
        return Cluster.servedBy(res) === 1
      })

      expect(await answers(session)).toEqual(fromEvery(200))
    }, 30_000)
  })

  test('no instance logged a failure (an answer of 500) through all of this', () => {
    expect(cluster.output()).not.toContain(' failed: ')
  })
})
