/**
 * Revocations kept in one Cloudflare Durable Object, shared by every Worker instance:
 * `hono-jwt-session/cloudflare`. Strongly consistent: one object serves every check, one
 * `storage.get()` each. This module never imports `cloudflare:workers` and needs no Cloudflare
 * types: you pass it `DurableObject`, and the binding, and both are typed by their shape.
 *
 * @example
 * ```ts
 * // src/worker.ts; wrangler.toml binds REVOCATIONS to the class Revocations (new_sqlite_classes)
 * import { DurableObject } from 'cloudflare:workers'
 * import { Hono, type Context } from 'hono'
 * import { session, type SessionEnv } from 'hono-jwt-session'
 * import { DurableObjectRevocationStore, revocationObject } from 'hono-jwt-session/cloudflare'
 *
 * export class Revocations extends revocationObject(DurableObject) {}
 *
 * interface Env { REVOCATIONS: DurableObjectNamespace<Revocations>; SESSION_SECRET: string }
 * type AppEnv = SessionEnv & { Bindings: Env }
 *
 * const app = new Hono<AppEnv>()
 * let store: DurableObjectRevocationStore | undefined   // one per isolate: the middleware keeps its state per store
 * app.use(session((c: Context<AppEnv>) => ({
 *   secret: c.env.SESSION_SECRET,
 *   revocation: { store: (store ??= new DurableObjectRevocationStore(c.env.REVOCATIONS)) },
 * })))
 * export default app
 * ```
 *
 * @module
 */
import type { RevocationQuery, RevocationStatus, RevocationStore, SessionRevocation, SubjectRevocation } from '../revocation/store.ts'

/** The part of a Durable Object's `ctx.storage` (its key-value API) the object uses. */
export interface DurableObjectStorageLike {
  /** Reads several keys in one call; absent keys are missing from the map. */
  get(keys: string[]): Promise<Map<string, unknown>>
  /** Writes several keys in one call. */
  put(entries: Record<string, unknown>): Promise<void>
  /** Deletes several keys; resolves with how many there were. */
  delete(keys: string[]): Promise<number>
  /** Keys in order, from `start` (inclusive) to `end` (exclusive), at most `limit`. */
  list(options: { start?: string; end?: string; limit?: number }): Promise<Map<string, unknown>>
  /** When the object's alarm is set for (milliseconds), or null. */
  getAlarm(): Promise<number | null>
  /** Sets the object's one alarm. */
  setAlarm(scheduledTime: number): Promise<void>
}

/** The part of a Durable Object's `ctx` (its `DurableObjectState`) the object uses. */
export interface DurableObjectStateLike {
  /** The object's own transactional storage. */
  readonly storage: DurableObjectStorageLike
}

/** What `revocationObject()` adds to your class: the store, called over RPC, and its clean-up. */
export interface RevocationObject extends RevocationStore {
  /** Deletes the entries that expired; the runtime calls it when the storage alarm goes off. */
  alarm(): Promise<void>
}

/**
 * Any class, abstract or not, whose constructor takes the runtime's `(ctx, env)`. `any[]` because
 * TypeScript requires exactly that of a mixin's base (TS2545); the arguments are passed on untouched.
 */
export type AnyConstructor = abstract new (...args: any[]) => object

/** The store's methods on a stub of a `revocationObject()` class, as RPC exposes them. */
export interface RevocationObjectStub {
  /** `RevocationStore.check`, run inside the object. */
  check(query: RevocationQuery): Promise<RevocationStatus>
  /** `RevocationStore.revokeSession`, run inside the object. */
  revokeSession(revocation: SessionRevocation): Promise<void>
  /** `RevocationStore.revokeSubject`, run inside the object. */
  revokeSubject(revocation: SubjectRevocation): Promise<void>
}

/** A Durable Object id: opaque here. */
export interface DurableObjectIdLike {
  /** The id as text. */
  toString(): string
}

/** The part of a Durable Object namespace binding the store uses; `DurableObjectNamespace<YourClass>` is one. */
export interface RevocationNamespace {
  /** The id of the one object with this name. */
  idFromName(name: string): DurableObjectIdLike
  /** A stub to call the object by. */
  get(id: DurableObjectIdLike): RevocationObjectStub
}

/** Options of `new DurableObjectRevocationStore(namespace, options)`. */
export interface DurableObjectRevocationStoreOptions {
  /** The name of the object holding the revocations (`idFromName`). Default `hono-jwt-session`. */
  name?: string
}

const EPOCH = 'epoch'
/** Keys of the clean-up index: `sweep:<when, ms, 15 digits>:<key>`, sorted by when. */
const SWEEP = 'sweep:'
/** Storage calls take at most 128 keys. */
const BATCH = 128

/** A revoked session or a subject's cut-off, as the object stores it. Seconds, except `sweepAt`. */
interface Entry {
  readonly expiresAt: number
  /** For a subject: its cut-off. */
  readonly cutoff?: number
  /** Milliseconds by the object's clock when the alarm deletes it. */
  readonly sweepAt: number
}

function entryAt(value: unknown, now: number): Entry | undefined {
  if (value === undefined) return undefined
  const entry = value as Partial<Entry> | null
  if (typeof entry !== 'object' || entry === null || typeof entry.expiresAt !== 'number' || typeof entry.sweepAt !== 'number') {
    throw new Error('The Durable Object holds a revocation that the store did not write')
  }
  return entry.expiresAt > now ? (entry as Entry) : undefined
}

function sweepKey(sweepAt: number, key: string): string {
  return `${SWEEP}${String(sweepAt).padStart(15, '0')}:${key}`
}

function storageOf(ctx: unknown): DurableObjectStorageLike {
  const storage = (ctx as Partial<DurableObjectStateLike> | null)?.storage
  if (typeof storage !== 'object' || storage === null || typeof storage.get !== 'function' || typeof storage.setAlarm !== 'function') {
    throw new TypeError('revocationObject(): the class must be constructed by the runtime, with (ctx, env)')
  }
  return storage
}

/**
 * Makes your Durable Object class a revocation store: pass `DurableObject` from `cloudflare:workers`
 * (RPC needs a class that extends it) and export the result under the name your binding gives.
 * Keys: `sid:<id>` (a revoked session), `sub:<subject>` (a cut-off), `epoch` (never deleted: when it
 * is gone, the data went with it), and a clean-up index by time. Entries carry their own `expiresAt`,
 * judged by the middleware's `now`; a storage alarm deletes them once that time has passed by the
 * object's clock too. Reads and writes of one call are never interleaved with another call's (the
 * runtime delivers no other call while a storage operation runs), so creating the epoch and raising
 * a cut-off need no transaction. The object uses the `alarm()` handler and the storage alarm: set
 * no alarms of your own, and a subclass that overrides `alarm()` must call `super.alarm()`.
 *
 * @example
 * ```ts
 * import { DurableObject } from 'cloudflare:workers'
 * import { revocationObject } from 'hono-jwt-session/cloudflare'
 *
 * export class Revocations extends revocationObject(DurableObject) {}
 * ```
 */
export function revocationObject<Base extends AnyConstructor>(base: Base): Base & (abstract new (...args: any[]) => RevocationObject) {
  abstract class Revocations extends base implements RevocationObject {
    readonly #storage: DurableObjectStorageLike

    constructor(...args: any[]) {
      super(...args)
      this.#storage = storageOf(args[0])
    }

    async check({ sessionId, subject, proposedEpoch, now }: RevocationQuery): Promise<RevocationStatus> {
      const keys = [`sid:${sessionId}`, EPOCH]
      if (subject !== undefined) keys.push(`sub:${subject}`)
      const found = await this.#storage.get(keys)
      let epoch = found.get(EPOCH)
      if (epoch === undefined) {
        epoch = proposedEpoch
        await this.#storage.put({ [EPOCH]: epoch })
      }
      if (typeof epoch !== 'string') throw new Error('The Durable Object holds an epoch that the store did not write')
      const cutoff = subject === undefined ? undefined : entryAt(found.get(`sub:${subject}`), now)?.cutoff
      return { sessionRevoked: entryAt(found.get(`sid:${sessionId}`), now) !== undefined, subjectCutoff: cutoff, epoch }
    }

    async revokeSession({ sessionId, expiresAt, now }: SessionRevocation): Promise<void> {
      await this.#keep(`sid:${sessionId}`, { expiresAt }, now)
    }

    async revokeSubject({ subject, cutoff, expiresAt, now }: SubjectRevocation): Promise<void> {
      const key = `sub:${subject}`
      const known = entryAt((await this.#storage.get([key])).get(key), now)
      if (known?.cutoff !== undefined && known.cutoff >= cutoff) return
      await this.#keep(key, { cutoff, expiresAt }, now)
    }

    async alarm(): Promise<void> {
      const storage = this.#storage
      const clock = Date.now()
      const due = await storage.list({ start: SWEEP, end: sweepKey(clock + 1, ''), limit: BATCH })
      if (due.size > 0) {
        const targets = await storage.get([...new Set([...due.values()].map(String))])
        const doomed = [...due.keys()]
        for (const [indexKey, key] of due) {
          const entry = targets.get(String(key)) as Partial<Entry> | undefined
          // A key written again since has an index entry of its own; only this stale one goes.
          if (entry !== undefined && indexKey === sweepKey(entry.sweepAt ?? -1, String(key))) doomed.push(String(key))
        }
        for (let i = 0; i < doomed.length; i += BATCH) await storage.delete(doomed.slice(i, i + BATCH))
      }
      const [next] = (await storage.list({ start: SWEEP, end: `${SWEEP}~`, limit: 1 })).keys()
      if (next !== undefined) await storage.setAlarm(Number(next.slice(SWEEP.length, SWEEP.length + 15)))
    }

    /** Stores an entry with its sweep time (by this object's clock) and makes sure an alarm comes by then. */
    async #keep(key: string, value: { expiresAt: number; cutoff?: number }, now: number): Promise<void> {
      const sweepAt = Date.now() + Math.max(0, value.expiresAt - now) * 1000
      const entry: Entry = { ...value, sweepAt }
      await this.#storage.put({ [key]: entry, [sweepKey(sweepAt, key)]: key })
      const alarm = await this.#storage.getAlarm()
      if (alarm === null || sweepAt < alarm) await this.#storage.setAlarm(sweepAt)
    }
  }
  return Revocations
}

/**
 * The store the middleware uses in a Worker: each call is one RPC to the object named `name` of the
 * namespace (bound in wrangler.toml to a `revocationObject()` class). A stub is made per call, as a
 * stub that saw an error stays broken.
 */
export class DurableObjectRevocationStore implements RevocationStore {
  readonly #namespace: RevocationNamespace
  readonly #id: DurableObjectIdLike

  /** Keeps revocations in the one object named `options.name` of this namespace binding. */
  constructor(namespace: RevocationNamespace, options: DurableObjectRevocationStoreOptions = {}) {
    if (typeof namespace !== 'object' || namespace === null || typeof namespace.idFromName !== 'function' || typeof namespace.get !== 'function') {
      throw new TypeError('DurableObjectRevocationStore: pass the Durable Object namespace binding (env.REVOCATIONS)')
    }
    const name = options.name ?? 'hono-jwt-session'
    if (typeof name !== 'string' || name === '') throw new TypeError('DurableObjectRevocationStore: name must be a non-empty string')
    this.#namespace = namespace
    this.#id = namespace.idFromName(name)
  }

  async check({ sessionId, subject, proposedEpoch, now }: RevocationQuery): Promise<RevocationStatus> {
    const status = await this.#stub().check({ sessionId, subject, proposedEpoch, now })
    return { sessionRevoked: status.sessionRevoked, subjectCutoff: status.subjectCutoff, epoch: status.epoch }
  }

  async revokeSession({ sessionId, expiresAt, now }: SessionRevocation): Promise<void> {
    await this.#stub().revokeSession({ sessionId, expiresAt, now })
  }

  async revokeSubject({ subject, cutoff, expiresAt, now }: SubjectRevocation): Promise<void> {
    await this.#stub().revokeSubject({ subject, cutoff, expiresAt, now })
  }

  #stub(): RevocationObjectStub {
    return this.#namespace.get(this.#id)
  }
}
