// The Redis store against a real redis-server, through Bun's built-in client and through node-redis:
// the store contract, logout across instances, and what a Redis outage, hang, crash or flush does.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { fromNodeRedis, RedisRevocationStore, type RedisCommands } from 'hono-jwt-session/redis'
import { CookieJar, TestClock } from 'hono-jwt-session/testing'
import { createClient } from 'redis'
import { copy, copyThenLogout, instance, me } from '../support/revocation-app.ts'
import { redisAvailable, RedisServer } from '../support/redis-server.ts'
import { describeStoreContract } from '../support/store-contract.ts'

interface Connected {
  redis: RedisCommands
  close(): Promise<void>
}

/** Bun's client as the README configures it: no offline queue (fail fast), reconnecting for ever. */
async function bunClient(url: string): Promise<Connected> {
  const client = new RedisClient(url, { enableOfflineQueue: false, maxRetries: 1_000_000, connectionTimeout: 1000 })
  await client.connect()
  return { redis: client, close: async () => client.close() }
}

/** node-redis as the README configures it: no offline queue, an error listener, reconnecting. */
async function nodeRedisClient(url: string): Promise<Connected> {
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 1000, reconnectStrategy: () => 100 } })
  client.on('error', () => {})
  await client.connect()
  return {
    redis: fromNodeRedis(client),
    close: async () => {
      client.destroy()
    },
  }
}

/** Real Redis can take a few milliseconds under load; a refusal must never come from the outage grace. */
const STRICT = { timeout: 2000, outageGrace: 0 }

/** Waits until the client answers again after Redis came back (the clients reconnect on their own). */
async function reconnected(redis: RedisCommands): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      if ((await redis.send('PING', [])) === 'PONG') return
    } catch {
      if (Date.now() > deadline) throw new Error('the client did not reconnect within 10 s')
    }
    await Bun.sleep(50)
  }
}

/**
 * Ada and Bob log in, a copy of Ada's cookie is taken and she logs out; then Redis is killed (SIGKILL),
 * restarted, and the client is connected again.
 */
async function logoutThenCrash(server: RedisServer) {
  const { redis, close } = await bunClient(server.url)
  const clock = new TestClock()
  const shop = instance(new RedisRevocationStore(redis), clock, STRICT)
  const [browser, other] = [new CookieJar(), new CookieJar()]
  await browser.request(shop.app, '/login/ada', { method: 'POST' })
  await other.request(shop.app, '/login/bob', { method: 'POST' })
  const stolen = copy(browser)
  await browser.request(shop.app, '/logout', { method: 'POST' })
  await server.kill()
  await server.restart()
  await reconnected(redis)
  clock.advance(5)
  return { redis, close, clock, shop, stolen, other }
}

const CLIENTS = { "Bun's RedisClient": bunClient, 'node-redis': nodeRedisClient }

describe.if(redisAvailable())('Redis', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await RedisServer.start()
  })
  afterAll(async () => {
    await server[Symbol.asyncDispose]()
  })

  for (const [name, connect] of Object.entries(CLIENTS)) {
    describeStoreContract(`Redis through ${name}`, async () => {
      const { redis, close } = await connect(server.url)
      const prefix = `{contract-${crypto.randomUUID()}}:`
      return { store: new RedisRevocationStore(redis, { prefix }), [Symbol.asyncDispose]: close }
    })

    describe(`through ${name}`, () => {
      test('a logout on one instance ends a copied cookie on another', async () => {
        const { redis, close } = await connect(server.url)
        const store = new RedisRevocationStore(redis, { prefix: `{${crypto.randomUUID()}}:` })
        const clock = new TestClock()
        const [a, b] = [instance(store, clock, STRICT), instance(store, clock, STRICT)]
        const { stolen } = await copyThenLogout(a)

        expect(await me(b, stolen)).toEqual({ user: null, subject: null })
        expect(b.invalid).toEqual(['revoked'])
        await close()
      })
    })
  }

  test('a revoked session is kept only as long as its tokens could be valid (a TTL, not forever)', async () => {
    const { redis, close } = await bunClient(server.url)
    const store = new RedisRevocationStore(redis, { prefix: '{ttl}:' })
    await store.revokeSession({ sessionId: 'A'.repeat(22), expiresAt: 1_000_600, now: 1_000_000 })
    await store.revokeSubject({ subject: 'ada', cutoff: 1_000_000, expiresAt: 1_043_200, now: 1_000_000 })

    expect(Number(server.cli('TTL', `{ttl}:sid:${'A'.repeat(22)}`))).toBeWithin(598, 601)
    expect(Number(server.cli('TTL', '{ttl}:sub:ada'))).toBeWithin(43_198, 43_201)
    expect(Number(server.cli('TTL', '{ttl}:epoch'))).toBe(-2)
    await close()
  })

  test('a check is one round trip (one Lua script), and a subject adds no second one', async () => {
    const { redis, close } = await bunClient(server.url)
    const sent: string[] = []
    const counting: RedisCommands = { send: (command, args) => (sent.push(command), redis.send(command, args)) }
    const store = new RedisRevocationStore(counting, { prefix: '{trips}:' })
    await store.check({ sessionId: 'A'.repeat(22), subject: 'ada', proposedEpoch: '1.x', now: 1 })
    sent.length = 0
    await store.check({ sessionId: 'A'.repeat(22), subject: 'ada', proposedEpoch: '1.x', now: 1 })

    expect(sent).toEqual(['EVALSHA'])
    await close()
  })

  test('a script Redis has forgotten (SCRIPT FLUSH) is sent again whole, and the check still answers', async () => {
    const { redis, close } = await bunClient(server.url)
    const store = new RedisRevocationStore(redis, { prefix: '{flushed-script}:' })
    await store.check({ sessionId: 'A'.repeat(22), subject: undefined, proposedEpoch: '1.x', now: 1 })
    server.cli('SCRIPT', 'FLUSH')

    expect((await store.check({ sessionId: 'A'.repeat(22), subject: undefined, proposedEpoch: '2.y', now: 2 })).epoch).toBe('1.x')
    await close()
  })
})

describe.if(redisAvailable())('Redis faults, with sessions in the middleware', () => {
  test('Redis stopped: a recently checked session is served, an older one gets 503; both recover when Redis returns', async () => {
    await using server = await RedisServer.start({ persistent: true })
    const { redis, close } = await bunClient(server.url)
    const clock = new TestClock()
    const shop = instance(new RedisRevocationStore(redis), clock, { timeout: 2000, outageGrace: 60 })
    const [recent, old] = [new CookieJar(), new CookieJar()]
    await old.request(shop.app, '/login/old', { method: 'POST' })
    clock.advance(120)
    await recent.request(shop.app, '/login/new', { method: 'POST' })
    await server.stop()
    clock.advance(1)

    expect(await me(shop, recent)).toEqual({ user: 'new', subject: 'new' })
    const refused = await old.request(shop.app, '/me')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('Retry-After')).not.toBeNull()

    await server.restart()
    await reconnected(redis)
    clock.advance(5)
    expect(await me(shop, old)).toEqual({ user: 'old', subject: 'old' })
    expect(shop.errors.filter((error) => !(error instanceof Error && error.name === 'SessionStoreUnavailableError'))).toEqual([])
    await close()
  }, 30_000)

  test('Redis hung (SIGSTOP): the request fails after the timeout instead of hanging, and recovers on SIGCONT', async () => {
    await using server = await RedisServer.start()
    const { redis, close } = await bunClient(server.url)
    const clock = new TestClock()
    const shop = instance(new RedisRevocationStore(redis), clock, { timeout: 200, outageGrace: 0 })
    const jar = new CookieJar()
    await jar.request(shop.app, '/login/ada', { method: 'POST' })
    server.pause()
    clock.advance(1)
    const started = performance.now()
    const res = await jar.request(shop.app, '/me')
    const waited = performance.now() - started

    expect(res.status).toBe(503)
    expect(waited).toBeLessThan(2_000)
    server.resume()
    await reconnected(redis)
    clock.advance(5)
    expect(await me(shop, jar)).toEqual({ user: 'ada', subject: 'ada' })
    await close()
  }, 30_000)

  test('with appendonly, a revocation survives a crash and restart of Redis', async () => {
    await using server = await RedisServer.start({ persistent: true })
    const { redis, close, clock, stolen, other } = await logoutThenCrash(server)
    const fresh = instance(new RedisRevocationStore(redis), clock, STRICT)

    expect(await me(fresh, stolen)).toEqual({ user: null, subject: null })
    expect(await me(fresh, other)).toEqual({ user: 'bob', subject: 'bob' })
    expect(fresh.invalid).toEqual(['revoked'])
    await close()
  }, 30_000)

  test('without persistence, a restart logs everyone out rather than let a revoked session come back', async () => {
    await using server = await RedisServer.start({ persistent: false })
    const { close, shop, stolen, other } = await logoutThenCrash(server)

    expect(await me(shop, stolen)).toEqual({ user: null, subject: null })
    expect(await me(shop, other)).toEqual({ user: null, subject: null })
    expect(shop.invalid).toEqual(['revoked', 'store-reset'])
    await close()
  }, 30_000)

  test('FLUSHALL: every session checked before it is refused; new sessions work', async () => {
    await using server = await RedisServer.start()
    const { redis, close } = await nodeRedisClient(server.url)
    const clock = new TestClock()
    const shop = instance(new RedisRevocationStore(redis), clock, STRICT)
    const before = new CookieJar()
    await before.request(shop.app, '/login/ada', { method: 'POST' })
    server.cli('FLUSHALL')
    clock.advance(1)
    const after = new CookieJar()
    await after.request(shop.app, '/login/bob', { method: 'POST' })
    clock.advance(1)

    expect(await me(shop, before)).toEqual({ user: null, subject: null })
    expect(await me(shop, after)).toEqual({ user: 'bob', subject: 'bob' })
    expect(shop.invalid).toEqual(['store-reset'])
    await close()
  }, 30_000)
})
