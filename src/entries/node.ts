// Node entry (@hono/node-server). `bun run start:node` bundles this file for Node with `bun build` and runs it.
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { fromNodeRedis, RedisRevocationStore } from 'hono-jwt-session/redis'
import { createClient } from 'redis'
import { bootOrExit, inRedis, listeningLine, REDIS_PREFIX, redisHost } from '../app/boot.ts'

/**
 * Revocations in Redis, through node-redis: no offline queue, so a call fails at once while Redis is
 * down (the session middleware then serves recently checked sessions or answers 503); it reconnects by
 * itself. Connecting is not awaited: node-redis waits for ever for a Redis that is down.
 */
function redisStore(url: string): RedisRevocationStore {
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 2_000, reconnectStrategy: (tries) => Math.min(tries * 100, 2_000) } })
  let reported = false
  client.on('error', (error: Error) => {
    if (!reported) console.warn(`Warning: Redis at ${redisHost(url)} is not reachable: ${error.message}`)
    reported = true
  })
  client.on('ready', () => (reported = false))
  void client.connect().catch(() => {})
  return new RedisRevocationStore(fromNodeRedis(client), { prefix: REDIS_PREFIX })
}

const { config, app } = bootOrExit(process.env, {
  // @hono/node-server's helper reads the incoming request's socket (c.env.incoming.socket.remoteAddress).
  socketAddress: (c) => getConnInfo(c).remote.address,
  sharedStore: ({ redisUrl }) => (redisUrl === undefined ? undefined : { store: redisStore(redisUrl), description: inRedis(redisUrl) }),
}, process.exit)

serve({ fetch: app.fetch, hostname: config.hostname, port: config.port }, (info) => {
  console.log(`Revocations: ${config.revocations}`)
  console.log(listeningLine(config, info.port, `Node ${process.version}`))
})
