// This project with revocations in Redis (REDIS_URL, which the bench fills in with the redis-server it
// started). The store is made here as the app's entry files make it: Bun's built-in RedisClient on Bun
// (src/entries/bun.ts), node-redis elsewhere (src/entries/node.ts), with the same client options. Not
// copied from them: the watchdog that reconnects after an outage, which a bench never has.
import { fromNodeRedis, RedisRevocationStore } from 'hono-jwt-session/redis'
import type { BenchEnv, Build } from './shared.ts'
import { buildApp } from './ours.ts'

async function redisStore(url: string): Promise<RedisRevocationStore> {
  // Bun.RedisClient rather than `import { RedisClient } from 'bun'`, which the Node bundle cannot hold.
  const bun = (globalThis as { Bun?: typeof Bun }).Bun
  if (bun !== undefined) {
    const client = new bun.RedisClient(url, { enableOfflineQueue: false, maxRetries: 1_000_000, connectionTimeout: 2_000 })
    await client.connect()
    return new RedisRevocationStore(client)
  }
  const { createClient } = await import('redis')
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 2_000, reconnectStrategy: (tries) => Math.min(tries * 100, 2_000) } })
  client.on('error', (error: Error) => console.warn(`Redis at ${url}: ${error.message}`))
  await client.connect()
  return new RedisRevocationStore(fromNodeRedis(client))
}

const build: Build = async (env: BenchEnv) => {
  const url = env.REDIS_URL
  if (url === undefined) throw new Error('REDIS_URL is not set: the bench starts a redis-server and sets it')
  const store = await redisStore(url)
  const { app, config } = buildApp(env, { sharedStore: () => ({ store, description: `in Redis at ${new URL(url).host}` }) })
  if (!config.revocations.startsWith('in Redis')) throw new Error(`revocations are not in Redis: ${config.revocations}`)
  return app
}
export default build
