// Bun entry: reads Bun's environment, builds the app, serves it. `bun --hot` re-runs this file.
import { RedisClient } from 'bun'
import { generateSecret } from 'hono-jwt-session'
import { RedisRevocationStore } from 'hono-jwt-session/redis'
import { bootOrExit, inRedis, listeningLine, REDIS_PREFIX, redisHost } from '../app/boot.ts'

// Kept on globalThis so a hot reload (`bun run dev`) does not log everyone out.
const hot = globalThis as { devSessionSecret?: string }

let connected: Promise<unknown> = Promise.resolve()

/**
 * Revocations in Redis, through Bun's client: no offline queue, so a call fails at once while Redis is
 * down (the session middleware then serves recently checked sessions or answers 503), and a watchdog
 * that reconnects whenever the client has given up, so service resumes when Redis does.
 */
function redisStore(url: string): RedisRevocationStore {
  const client = new RedisClient(url, { enableOfflineQueue: false, maxRetries: 1_000_000, connectionTimeout: 2_000 })
  const connect = () => client.connect().catch((error: Error) => console.warn(`Warning: Redis at ${redisHost(url)} is not reachable: ${error.message}`))
  connected = connect()
  setInterval(() => client.connected || connect(), 2_000).unref()
  return new RedisRevocationStore(client, { prefix: REDIS_PREFIX })
}

const { config, app } = bootOrExit(Bun.env, {
  generateSecret: () => (hot.devSessionSecret ??= generateSecret()),
  // Bun.serve passes itself to fetch as the second argument, which Hono makes c.env.
  socketAddress: (c) => (c.env as Bun.Server<unknown>).requestIP(c.req.raw)?.address,
  sharedStore: ({ redisUrl }) => (redisUrl === undefined ? undefined : { store: redisStore(redisUrl), description: inRedis(redisUrl) }),
}, process.exit)
// Serve at once if Redis is slow or down: revocation checks fail fast until it answers (then 503 for
// sessions not confirmed recently), and the watchdog connects when it can.
await Promise.race([connected, Bun.sleep(2_000)])

const server = Bun.serve({ hostname: config.hostname, port: config.port, fetch: app.fetch })
console.log(`Revocations: ${config.revocations}`)
console.log(listeningLine(config, server.port!, `Bun ${Bun.version}`))
