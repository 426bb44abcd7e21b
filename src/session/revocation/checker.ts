import { SessionStoreUnavailableError } from '../errors.ts'
import { GenerationalCache } from '../token/generational-cache.ts'
import type { SessionClaims } from '../token/claims.ts'
import { epochStart, type RevocationStatus, type RevocationStore, type SessionRevocation, type SubjectRevocation } from './store.ts'

/** The `revocation` option of `session()`. */
export interface RevocationOptions {
  /** Where revocations are kept: `MemoryRevocationStore` for one process, or an adapter for a shared store. */
  store: RevocationStore
  /**
   * Ask the store about a session at most once per this many seconds; in between, the time of the last
   * answer rides in the token. 0 (default): every request. A revocation made by another process takes
   * up to this long to apply (this process applies its own at once).
   */
  checkInterval?: number
  /** Milliseconds a store call may take before it counts as failed. Default 500. */
  timeout?: number
  /**
   * While the store fails: a session confirmed within this many seconds is still served; an older one
   * gets a 503 (SessionStoreUnavailableError, with Retry-After). Default 60. 0: no session is served
   * without the store.
   */
  outageGrace?: number
}

/** The options after every check. */
export interface ResolvedRevocation {
  readonly store: RevocationStore
  readonly checkInterval: number
  readonly timeout: number
  readonly outageGrace: number
}

/** What a token says about its last revocation check, written into every token reissued. */
export interface RevocationStamp {
  /** Seconds. */
  readonly checked: number
  /** '' when this process has not learned the store's epoch yet. */
  readonly epoch: string
}

export type RevocationVerdict =
  | { readonly ok: true; readonly stamp: RevocationStamp }
  | { readonly ok: false; readonly reason: 'revoked' | 'store-reset' }

/** The id asked about to learn the epoch: no session id (22 base64url characters) can equal it. */
const EPOCH_PROBE = 'epoch-probe'
/** How long a failed store is left alone before it is tried again, seconds. */
const RETRY_AFTER = 2
/** Revoked ids and subject cut-offs this process remembers, so a refused copy costs no round trip. */
const LOCAL_MEMORY = 10_000

class StoreTimeout extends Error {}

/**
 * Every rule of revocation, for one configuration:
 * - a session carrying an id is checked against the store at most every `checkInterval` seconds; the
 *   time of the last answer, and the store's epoch then, ride in the token (`checked`, `epoch`);
 * - a revoked id, or a subject cut-off at or after the session's start, refuses it ('revoked'), and is
 *   remembered here, so a revocation is final and this process never asks about it again;
 * - an epoch other than the store's means the store lost its data since the token's last check: a
 *   revocation may have been lost with it, so the session is refused ('store-reset'). A token issued
 *   before this process knew the epoch ('') is refused only if it started before the epoch began;
 * - a store call that fails or outlasts `timeout` opens a breaker for RETRY_AFTER seconds, during
 *   which calls fail at once (one probe at a time after that), so a dead store never slows requests;
 *   a session confirmed within `outageGrace` is served, any other gets a 503 with Retry-After.
 */
export class RevocationChecker {
  readonly #config: ResolvedRevocation
  readonly #clock: () => number
  readonly #revokedIds = new GenerationalCache<true>(LOCAL_MEMORY)
  readonly #cutoffs = new GenerationalCache<number>(LOCAL_MEMORY)
  /** Milliseconds by the clock until which the store is not asked. */
  #downUntil = 0
  #probing = false
  /** Random per process, made on first use (Workers refuse randomness at module load). */
  #proposal = ''
  #proposals = 0

  constructor(config: ResolvedRevocation, clock: () => number) {
    this.#config = config
    this.#clock = clock
  }

  /**
   * The stamp for a session created or renewed in this request: the store's epoch now (one call per
   * new session, never per request), so a session created after the store lost its data is never
   * taken for one from before. If the store cannot say, the stamp says so with '', and the session is
   * refused later only if the store turns out to have lost its data after the session started.
   */
  async fresh(now: number): Promise<RevocationStamp> {
    try {
      const status = await this.#call(() =>
        this.#config.store.check({ sessionId: EPOCH_PROBE, subject: undefined, proposedEpoch: this.#proposeEpoch(now), now }),
      )
      return { checked: now, epoch: status.epoch }
    } catch {
      return { checked: now, epoch: '' }
    }
  }

  /**
   * Whether a verified session may be used. Throws SessionStoreUnavailableError when the store cannot
   * say and the session was not confirmed recently enough to go without it.
   */
  async verdict(claims: SessionClaims, now: number): Promise<RevocationVerdict> {
    if (this.#revokedIds.get(claims.sid) !== undefined) return { ok: false, reason: 'revoked' }
    const knownCutoff = claims.sub === undefined ? undefined : this.#cutoffs.get(claims.sub)
    if (knownCutoff !== undefined && claims.start <= knownCutoff) return { ok: false, reason: 'revoked' }

    const { checked, epoch } = claims
    if (checked !== undefined && epoch !== undefined && now - checked < this.#config.checkInterval) {
      return { ok: true, stamp: { checked, epoch } }
    }
    let status: RevocationStatus
    try {
      status = await this.#call(() =>
        this.#config.store.check({ sessionId: claims.sid, subject: claims.sub, proposedEpoch: this.#proposeEpoch(now), now }),
      )
    } catch (error) {
      if (checked !== undefined && now - checked <= this.#config.outageGrace) return { ok: true, stamp: { checked, epoch: epoch ?? '' } }
      throw new SessionStoreUnavailableError(this.#retryAfter(), { cause: error })
    }
    if (status.sessionRevoked) {
      this.#revokedIds.set(claims.sid, true)
      return { ok: false, reason: 'revoked' }
    }
    if (status.subjectCutoff !== undefined && claims.sub !== undefined) {
      this.#rememberCutoff(claims.sub, status.subjectCutoff)
      if (claims.start <= status.subjectCutoff) return { ok: false, reason: 'revoked' }
    }
    // A token from a middleware without revocation has no epoch: nothing of it was ever revoked.
    if (epoch !== undefined && epoch !== status.epoch && (epoch !== '' || claims.start < epochStart(status.epoch))) {
      return { ok: false, reason: 'store-reset' }
    }
    return { ok: true, stamp: { checked: now, epoch: status.epoch } }
  }

  /**
   * Ends one session, once the store has it: then this process refuses it at once, and every other
   * one on its next check. A store that fails leaves nothing changed, here included, so the logout can
   * be tried again rather than look done.
   */
  async revokeSession(revocation: SessionRevocation): Promise<void> {
    await this.#write(() => this.#config.store.revokeSession(revocation))
    this.#revokedIds.set(revocation.sessionId, true)
  }

  /** Ends every session of a subject that started at or before the cut-off, once the store has it. */
  async revokeSubject(revocation: SubjectRevocation): Promise<void> {
    await this.#write(() => this.#config.store.revokeSubject(revocation))
    this.#rememberCutoff(revocation.subject, revocation.cutoff)
  }

  async #write(call: () => Promise<void>): Promise<void> {
    try {
      await this.#call(call)
    } catch (error) {
      throw new SessionStoreUnavailableError(this.#retryAfter(), { cause: error })
    }
  }

  #rememberCutoff(subject: string, cutoff: number): void {
    const known = this.#cutoffs.get(subject)
    if (known === undefined || cutoff > known) this.#cutoffs.set(subject, cutoff)
  }

  #proposeEpoch(now: number): string {
    if (this.#proposal === '') this.#proposal = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('')
    return `${now}.${this.#proposal}${(this.#proposals++).toString(36)}`
  }

  #retryAfter(): number {
    return Math.max(1, Math.ceil((this.#downUntil - this.#clock()) / 1000))
  }

  /** One store call under the breaker and the timeout. */
  async #call<T>(call: () => Promise<T>): Promise<T> {
    const now = this.#clock()
    if (now < this.#downUntil) throw new Error('the revocation store failed recently; not asked')
    const probe = this.#downUntil > 0
    if (probe && this.#probing) throw new Error('the revocation store is being probed; not asked')
    this.#probing = probe
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const answer = await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new StoreTimeout(`no answer in ${this.#config.timeout} ms`)), this.#config.timeout)
        }),
      ])
      this.#downUntil = 0
      return answer
    } catch (error) {
      this.#downUntil = this.#clock() + RETRY_AFTER * 1000
      throw error
    } finally {
      if (timer !== undefined) clearTimeout(timer)
      if (probe) this.#probing = false
    }
  }
}
