/**
 * Revocations kept in Redis, shared by every instance of the app: `hono-jwt-session/redis`. One
 * round trip per check (a Lua script), with Bun's built-in client or node-redis.
 *
 * @example
 * ```ts
 * import { RedisClient } from 'bun'                       // or: fromNodeRedis(createClient(...))
 * import { session } from 'hono-jwt-session'
 * import { RedisRevocationStore } from 'hono-jwt-session/redis'
 *
 * const redis = new RedisClient(process.env.REDIS_URL, { enableOfflineQueue: false, maxRetries: 1_000_000 })
 * await redis.connect()
 * app.use(session({ secret, revocation: { store: new RedisRevocationStore(redis) } }))
 * ```
 *
 * @module
 */
import type { RevocationQuery, RevocationStatus, RevocationStore, SessionRevocation, SubjectRevocation } from '../revocation/store.ts'

/**
 * The one thing the store needs from a Redis client: send a command, get its decoded reply. Bun's
 * `RedisClient` has exactly this method; wrap node-redis with `fromNodeRedis()`.
 */
export interface RedisCommands {
  /** Sends `command` with its arguments and resolves with the decoded reply (rejects with Redis's error). */
  send(command: string, args: string[]): Promise<unknown>
}

/** The part of a node-redis client the store uses. */
export interface NodeRedisClient {
  /** node-redis's raw command: the command and its arguments in one array. */
  sendCommand(args: string[]): Promise<unknown>
}

/** Adapts a node-redis client (`createClient()` from the `redis` package). */
export function fromNodeRedis(client: NodeRedisClient): RedisCommands {
  return { send: (command, args) => client.sendCommand([command, ...args]) }
}

/** How the Redis store names its keys. */
export interface RedisRevocationStoreOptions {
  /**
   * Put before every key. Default `{hono-jwt-session}:`: the braces are a hash tag, so in Redis
   * Cluster every key of the store lands in one slot, as a Lua script needs.
   */
  prefix?: string
}

// One round trip: the session's id, the epoch (created if missing: a store that lost its data gets a
// new one), and the subject's cut-off when there is a subject. Atomic, as every Lua script is.
// KEYS: session key, epoch key, [subject key]. ARGV: the proposed epoch.
const CHECK = `
local revoked = redis.call('EXISTS', KEYS[1])
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  redis.call('SET', KEYS[2], ARGV[1])
  epoch = ARGV[1]
end
local cutoff = false
if #KEYS == 3 then cutoff = redis.call('GET', KEYS[3]) end
return { revoked, epoch, cutoff }`

// Raises a subject's cut-off, never lowers it. KEYS: subject key. ARGV: cut-off, seconds to live.
const RAISE = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`

async function sha1(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A script sent by its hash; the first time a server has not seen it, sent whole (which caches it). */
class Script {
  readonly #source: string
  #sha: Promise<string> | undefined

  constructor(source: string) {
    this.#source = source
  }

  async run(redis: RedisCommands, keys: string[], args: string[]): Promise<unknown> {
    const sha = await (this.#sha ??= sha1(this.#source))
    const tail = [String(keys.length), ...keys, ...args]
    try {
      return await redis.send('EVALSHA', [sha, ...tail])
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return redis.send('EVAL', [this.#source, ...tail])
    }
  }
}

const check = new Script(CHECK)
const raise = new Script(RAISE)

/** Seconds to live, at least 1 (Redis refuses 0): an entry already expired lives one second more, harmlessly. */
function ttl(expiresAt: number, now: number): string {
  return String(Math.max(1, expiresAt - now))
}

function parseStatus(reply: unknown): RevocationStatus {
  if (!Array.isArray(reply) || reply.length < 2 || reply.length > 3) throw new Error('Redis answered the check with an unexpected reply')
  const [revoked, epoch, cutoff] = reply
  if ((revoked !== 0 && revoked !== 1) || typeof epoch !== 'string') throw new Error('Redis answered the check with an unexpected reply')
  if (cutoff !== undefined && cutoff !== null && (typeof cutoff !== 'string' || !/^\d+$/.test(cutoff))) {
    throw new Error('Redis holds a subject cut-off that is not a number')
  }
  return { sessionRevoked: revoked === 1, subjectCutoff: typeof cutoff === 'string' ? Number(cutoff) : undefined, epoch }
}

/**
 * Revocations in Redis. Keys: `<prefix>sid:<id>` (a revoked session, until its tokens expire),
 * `<prefix>sub:<subject>` (a cut-off), `<prefix>epoch` (no expiry: when it is gone, the data went with
 * it). Use persistence (appendonly yes) so a restart keeps revocations and the epoch; without it a
 * restart logs everyone out rather than let a revoked session come back.
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #redis: RedisCommands
  readonly #prefix: string

  /** Uses `redis` for every call; one client per process, shared by all requests, is the usual set-up. */
  constructor(redis: RedisCommands, options: RedisRevocationStoreOptions = {}) {
    if (typeof redis !== 'object' || redis === null || typeof redis.send !== 'function') {
      throw new TypeError('RedisRevocationStore: pass a client with send(command, args), e.g. Bun\'s RedisClient or fromNodeRedis(client)')
    }
    const prefix = options.prefix ?? '{hono-jwt-session}:'
    if (typeof prefix !== 'string') throw new TypeError('RedisRevocationStore: prefix must be a string')
    this.#redis = redis
    this.#prefix = prefix
  }

  async check({ sessionId, subject, proposedEpoch }: RevocationQuery): Promise<RevocationStatus> {
    const keys = [this.#key('sid', sessionId), `${this.#prefix}epoch`]
    if (subject !== undefined) keys.push(this.#key('sub', subject))
    return parseStatus(await check.run(this.#redis, keys, [proposedEpoch]))
  }

  async revokeSession({ sessionId, expiresAt, now }: SessionRevocation): Promise<void> {
    await this.#redis.send('SET', [this.#key('sid', sessionId), '1', 'EX', ttl(expiresAt, now)])
  }

  async revokeSubject({ subject, cutoff, expiresAt, now }: SubjectRevocation): Promise<void> {
    await raise.run(this.#redis, [this.#key('sub', subject)], [String(cutoff), ttl(expiresAt, now)])
  }

  #key(kind: 'sid' | 'sub', id: string): string {
    return `${this.#prefix}${kind}:${id}`
  }
}
