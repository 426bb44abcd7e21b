import type { RevocationQuery, RevocationStatus, RevocationStore, SessionRevocation, SubjectRevocation } from './store.ts'

interface Entry {
  /** For a subject: its cut-off; for a session: unused (0). Seconds. */
  readonly value: number
  /** Seconds: after this the entry is as good as gone. */
  readonly expiresAt: number
}

/** Expired entries dropped from the front of a table per write, at most: the cost of a write stays flat. */
const SWEEP_PER_WRITE = 8

/**
 * Revocations kept in this process's memory: right for one instance. Its epoch is new with every
 * process, so a restart, which forgets every revocation, also ends every session checked before it
 * (a revoked session must not come back). Several instances need a shared store (Redis, a Durable
 * Object, Deno KV). Memory is bounded by time: each entry lives only as long as the tokens it refuses,
 * and only sessions that belong to someone (logged in) are ever revoked.
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #sessions = new Map<string, Entry>()
  readonly #subjects = new Map<string, Entry>()
  #epoch: string | undefined

  async check({ sessionId, subject, proposedEpoch, now }: RevocationQuery): Promise<RevocationStatus> {
    this.#epoch ??= proposedEpoch
    const revoked = this.#live(this.#sessions, sessionId, now)
    const cutoff = subject === undefined ? undefined : this.#live(this.#subjects, subject, now)
    return { sessionRevoked: revoked !== undefined, subjectCutoff: cutoff?.value, epoch: this.#epoch }
  }

  async revokeSession({ sessionId, expiresAt, now }: SessionRevocation): Promise<void> {
    this.#put(this.#sessions, sessionId, { value: 0, expiresAt }, now)
  }

  async revokeSubject({ subject, cutoff, expiresAt, now }: SubjectRevocation): Promise<void> {
    const known = this.#live(this.#subjects, subject, now)
    if (known !== undefined && known.value >= cutoff) return
    this.#put(this.#subjects, subject, { value: cutoff, expiresAt }, now)
  }

  /** Entries held (revoked sessions and subjects), expired ones not yet swept included. */
  get size(): number {
    return this.#sessions.size + this.#subjects.size
  }

  #live(map: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const entry = map.get(key)
    return entry !== undefined && entry.expiresAt > now ? entry : undefined
  }

  #put(map: Map<string, Entry>, key: string, entry: Entry, now: number): void {
    // Re-inserted, so the table stays in the order entries were last written.
    map.delete(key)
    map.set(key, entry)
    // Entries mostly expire in the order they are written: drop the expired ones at the front, a few
    // per write, so the table holds little more than the live entries and no write walks it all.
    let budget = SWEEP_PER_WRITE
    for (const [k, e] of map) {
      if (budget-- === 0 || e.expiresAt > now) break
      map.delete(k)
    }
  }
}
