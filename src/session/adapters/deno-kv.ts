/**
 * Revocations kept in Deno KV, shared by every instance that opens the same database:
 * `hono-jwt-session/deno-kv`. One `getMany` per check. Strongly consistent (the default for reads),
 * locally in a SQLite file and on Deno Deploy. Only the part of `Deno.Kv` the store uses is typed
 * here, so this module needs no Deno types and compiles anywhere.
 *
 * @example
 * ```ts
 * // deno run --unstable-kv --allow-read=./data --allow-write=./data --allow-net server.ts
 * import { session } from 'hono-jwt-session'
 * import { DenoKvRevocationStore } from 'hono-jwt-session/deno-kv'
 *
 * const kv = await Deno.openKv('./data/revocations.sqlite3')   // on Deno Deploy: Deno.openKv()
 * app.use(session({ secret, revocation: { store: new DenoKvRevocationStore(kv) } }))
 * ```
 *
 * @module
 */
import type { RevocationQuery, RevocationStatus, RevocationStore, SessionRevocation, SubjectRevocation } from '../revocation/store.ts'

/** One part of a Deno KV key (Deno also allows symbols, which the store never uses). */
export type DenoKvKeyPart = string | number | bigint | boolean | Uint8Array

/** A Deno KV key: a list of parts. */
export type DenoKvKey = readonly DenoKvKeyPart[]

/** What Deno KV answers for one key: the value, and `versionstamp: null` when the key is absent. */
export interface DenoKvEntryLike {
  /** The value stored, or null. */
  readonly value: unknown
  /** Changes with every write; null when the key is absent. */
  readonly versionstamp: string | null
}

/** The part of `Deno.AtomicOperation` the store uses. */
export interface DenoKvAtomicLike {
  /** Commits only if each key still has this versionstamp (null: still absent). */
  check(...checks: { readonly key: DenoKvKey; readonly versionstamp: string | null }[]): this
  /** Writes `value` under `key` when the operation commits. */
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): this
  /** Applies every write, or none when a check failed (`ok: false`). */
  commit(): Promise<{ readonly ok: boolean }>
}

/** The part of `Deno.Kv` the store uses; a `Deno.Kv` from `Deno.openKv()` is one. */
export interface DenoKvLike {
  /** Reads one key. */
  get(key: DenoKvKey): Promise<DenoKvEntryLike>
  /** Reads up to 10 keys in one call. */
  getMany(keys: readonly DenoKvKey[]): Promise<readonly DenoKvEntryLike[]>
  /** Writes one key; `expireIn` (milliseconds) is the earliest Deno KV may delete it. */
  set(key: DenoKvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>
  /** Starts an atomic operation. */
  atomic(): DenoKvAtomicLike
}

/** Options of `new DenoKvRevocationStore(kv, options)`. */
export interface DenoKvRevocationStoreOptions {
  /** Put before every key, so the store can share a database with other data. Default `['hono-jwt-session']`. */
  prefix?: DenoKvKey
}

/** A revoked session: until when. Seconds. */
interface SessionValue {
  readonly expiresAt: number
}

/** A subject's cut-off and until when it is kept. Seconds. */
interface SubjectValue {
  readonly cutoff: number
  readonly expiresAt: number
}

/**
 * A write gives up after this many lost races in a row (at most about 2 s of pauses in all, random,
 * so half that on average). The middleware's own timeout bounds how long a request waits for it.
 */
const MAX_TRIES = 14

/**
 * SQLite's refusal, at once, when another process holds the write lock of a local file: nothing was
 * written, and a new try shortly after succeeds. Treated like a lost race.
 */
function isLocked(error: unknown): boolean {
  return error instanceof Error && /database is locked/i.test(error.message)
}

/** Before try n (from 1): a random pause of up to 2ⁿ ms, at most 256, so writers that collided spread out. */
function pause(tries: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** tries, 256)))
}

/**
 * Runs `attempt` until it reports done; a conflict (another writer changed the entry first) or a
 * locked file means try again after a pause.
 */
async function untilDone(failure: string, attempt: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    if (tries > 0) await pause(tries)
    try {
      if (await attempt()) return
    } catch (error) {
      if (!isLocked(error)) throw error
    }
  }
  throw new Error(`DenoKvRevocationStore: ${failure} after ${MAX_TRIES} tries (other writers, or a locked file)`)
}

function unexpected(what: string): Error {
  return new Error(`Deno KV holds ${what} that the revocation store did not write`)
}

/** A revoked session still in force at `now`, from a stored value. */
function sessionRevoked(entry: DenoKvEntryLike, now: number): boolean {
  if (entry.versionstamp === null) return false
  const value = entry.value as Partial<SessionValue> | null
  if (typeof value !== 'object' || value === null || typeof value.expiresAt !== 'number') throw unexpected('a session revocation')
  return value.expiresAt > now
}

/** A subject's cut-off still in force at `now`, from a stored value. */
function liveCutoff(entry: DenoKvEntryLike, now: number): number | undefined {
  if (entry.versionstamp === null) return undefined
  const value = entry.value as Partial<SubjectValue> | null
  if (typeof value !== 'object' || value === null || typeof value.cutoff !== 'number' || typeof value.expiresAt !== 'number') {
    throw unexpected('a subject cut-off')
  }
  return value.expiresAt > now ? value.cutoff : undefined
}

/**
 * Milliseconds for Deno KV's `expireIn`, at least one second. Only for clean-up: Deno KV deletes an
 * expired entry some time later (locally about a minute), and until then reads still return it, so
 * every entry carries its own `expiresAt` and is judged by the middleware's `now`.
 */
function expireIn(expiresAt: number, now: number): number {
  return Math.max(1, expiresAt - now) * 1000
}

/**
 * Revocations in Deno KV. Keys: `[...prefix, 'sid', id]` (a revoked session, until its tokens
 * expire), `[...prefix, 'sub', subject]` (a cut-off), `[...prefix, 'epoch']` (no expiry: when it is
 * gone, the data went with it, and every session checked before is refused). Writes that depend on
 * what is stored (creating the epoch, raising a cut-off) are atomic operations checked against the
 * versionstamp read, retried a few times when another instance wrote first.
 *
 * A local file suits one process. Several processes can share one, but their writes at the same
 * moment collide ("database is locked"): the store tries again for a moment, which absorbs the odd
 * collision, not a steady stream. For several instances use Deno Deploy's KV, or a KV server opened
 * by URL.
 */
export class DenoKvRevocationStore implements RevocationStore {
  readonly #kv: DenoKvLike
  readonly #prefix: DenoKvKey

  /** Keeps revocations in `kv`, the database `Deno.openKv()` returns. */
  constructor(kv: DenoKvLike, options: DenoKvRevocationStoreOptions = {}) {
    if (typeof kv !== 'object' || kv === null || typeof kv.getMany !== 'function' || typeof kv.atomic !== 'function') {
      throw new TypeError('DenoKvRevocationStore: pass the database that openKv() returns')
    }
    const prefix = options.prefix ?? ['hono-jwt-session']
    if (!Array.isArray(prefix)) throw new TypeError('DenoKvRevocationStore: prefix must be a Deno KV key (an array)')
    this.#kv = kv
    this.#prefix = [...prefix]
  }

  async check({ sessionId, subject, proposedEpoch, now }: RevocationQuery): Promise<RevocationStatus> {
    const keys = [this.#key('sid', sessionId), this.#epochKey()]
    if (subject !== undefined) keys.push(this.#key('sub', subject))
    const [session, epoch, cutoff] = await this.#kv.getMany(keys)
    if (session === undefined || epoch === undefined) throw new Error('Deno KV answered getMany with fewer entries than keys')
    return {
      sessionRevoked: sessionRevoked(session, now),
      subjectCutoff: cutoff === undefined ? undefined : liveCutoff(cutoff, now),
      epoch: await this.#epoch(epoch, proposedEpoch),
    }
  }

  async revokeSession({ sessionId, expiresAt, now }: SessionRevocation): Promise<void> {
    const value: SessionValue = { expiresAt }
    await untilDone('a session could not be revoked', async () => {
      await this.#kv.set(this.#key('sid', sessionId), value, { expireIn: expireIn(expiresAt, now) })
      return true
    })
  }

  async revokeSubject({ subject, cutoff, expiresAt, now }: SubjectRevocation): Promise<void> {
    const key = this.#key('sub', subject)
    const value: SubjectValue = { cutoff, expiresAt }
    await untilDone("a subject's cut-off could not be raised", async () => {
      const entry = await this.#kv.get(key)
      const known = liveCutoff(entry, now)
      if (known !== undefined && known >= cutoff) return true
      const operation = this.#kv.atomic().check({ key, versionstamp: entry.versionstamp })
      return (await operation.set(key, value, { expireIn: expireIn(expiresAt, now) }).commit()).ok
    })
  }

  /** The stored epoch, or the proposed one saved if there is none (the first to save it wins). */
  async #epoch(read: DenoKvEntryLike, proposed: string): Promise<string> {
    const key = this.#epochKey()
    let entry: DenoKvEntryLike | undefined = read
    let epoch = proposed
    await untilDone('the epoch could not be saved', async () => {
      entry ??= await this.#kv.get(key)
      if (entry.versionstamp !== null) {
        if (typeof entry.value !== 'string') throw unexpected('an epoch')
        epoch = entry.value
        return true
      }
      entry = undefined // read again on the next try: another instance may have saved one
      return (await this.#kv.atomic().check({ key, versionstamp: null }).set(key, proposed).commit()).ok
    })
    return epoch
  }

  #epochKey(): DenoKvKey {
    return [...this.#prefix, 'epoch']
  }

  #key(kind: 'sid' | 'sub', id: string): DenoKvKey {
    return [...this.#prefix, kind, id]
  }
}
