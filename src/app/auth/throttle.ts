/** How one throttle counts attempts and locks a key out. All times in milliseconds. */
export interface BackoffRule {
  /** Attempts allowed before the first lock-out. */
  freeAttempts: number
  /** The first lock-out; each attempt after it doubles the next one. */
  firstLockout: number
  /** The longest lock-out. */
  maxLockout: number
  /** A key with no attempt for this long starts again from zero (once its lock-out is over). */
  forgetAfter: number
  /** Keys remembered at most; beyond it, the one whose last attempt is oldest is forgotten. */
  maxKeys: number
}

/** How many of the least recently tried keys are looked at for one that is not locked out. */
const EVICTION_SCAN = 64

interface Entry {
  attempts: number
  /** No attempt is allowed before this time. */
  lockedUntil: number
  lastAttempt: number
}

/**
 * Attempts per key (a client address, an account name) with exponential backoff: `freeAttempts`
 * attempts, then each one locks the key out for twice as long as the one before, up to `maxLockout`.
 *
 * Memory is bounded: at most `maxKeys` entries of three numbers and a key. The map is kept in order of
 * each key's last attempt (a key is moved to the end when it tries again), so the keys to forget are
 * always at its front: stale ones are dropped there on every new attempt. When the map is full, the
 * least recently tried key that is not locked out goes (among the first few), so a flood of attempts on
 * other names does not free a locked account; only when all of those are locked does the oldest go (a
 * bound on memory is worth more than one lock).
 */
export class Throttle {
  readonly #entries = new Map<string, Entry>()

  constructor(readonly rule: BackoffRule) {
    // So that a key is stale exactly when its last attempt is old enough, and the map's order finds them all.
    if (rule.forgetAfter < rule.maxLockout) throw new RangeError('Throttle: forgetAfter must be at least maxLockout')
  }

  /** Milliseconds before `key` may try again; 0 when it may now. */
  wait(key: string, now: number): number {
    const entry = this.#live(key, now)
    return entry === undefined ? 0 : Math.max(0, entry.lockedUntil - now)
  }

  /**
   * Counts an attempt by `key` now, before its outcome is known, so that attempts sent in parallel
   * count at once; a success gives its attempt back with `refund` or `forget`. Returns the lock-out
   * this attempt starts (0 for none).
   */
  charge(key: string, now: number): number {
    const { freeAttempts, firstLockout, maxLockout } = this.rule
    const attempts = (this.#live(key, now)?.attempts ?? 0) + 1
    const lockout = attempts < freeAttempts ? 0 : Math.min(maxLockout, firstLockout * 2 ** Math.min(attempts - freeAttempts, 52))
    this.#entries.delete(key)
    this.#entries.set(key, { attempts, lockedUntil: now + lockout, lastAttempt: now })
    this.#prune(now)
    return lockout
  }

  /** Gives back one attempt (it succeeded); the lock-out ends if the key is below its free attempts again. */
  refund(key: string): void {
    const entry = this.#entries.get(key)
    if (entry === undefined) return
    entry.attempts = Math.max(0, entry.attempts - 1)
    if (entry.attempts < this.rule.freeAttempts) entry.lockedUntil = 0
  }

  /** Forgets everything about `key`. */
  forget(key: string): void {
    this.#entries.delete(key)
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#entries.size
  }

  #stale(entry: Entry, now: number): boolean {
    return now - entry.lastAttempt >= this.rule.forgetAfter && now >= entry.lockedUntil
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    return entry === undefined || this.#stale(entry, now) ? undefined : entry
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (!this.#stale(entry, now)) break
      this.#entries.delete(key)
    }
    while (this.#entries.size > this.rule.maxKeys) this.#entries.delete(this.#evictable(now))
  }

  /** The key to forget when full: the least recently tried one not locked out, else the oldest. */
  #evictable(now: number): string {
    let oldest: string | undefined
    let looked = 0
    for (const [key, entry] of this.#entries) {
      oldest ??= key
      if (entry.lockedUntil <= now) return key
      if (++looked === EVICTION_SCAN) break
    }
    return oldest ?? ''
  }
}
