import { escapeForLog, type Log } from '../http/log.ts'
import { ConcurrencyLimit } from './concurrency.ts'
import { Throttle, type BackoffRule } from './throttle.ts'

export interface LoginLimits {
  /** Per client address: generous, since an office or a mobile carrier puts many people behind one. */
  perAddress: BackoffRule
  /** Per account name, whether or not the account exists: a guesser spread over many addresses still meets it. */
  perAccount: BackoffRule
  /** Password checks (PBKDF2) running at once. */
  concurrentChecks: number
  /** Password checks waiting for one of those; a login beyond them is refused with 503 at once. */
  queuedChecks: number
}

const SECOND = 1000
const MINUTE = 60 * SECOND

/**
 * Bun, Node and Deno run WebCrypto's PBKDF2 on a pool of threads that also computes the session's
 * HMACs. Leaving one core's worth of that pool free keeps session signing from waiting behind password
 * checks. Runtimes that do not say how many cores they have (Node 20) get one check at a time.
 */
function defaultConcurrentChecks(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: unknown } }).navigator?.hardwareConcurrency
  return typeof cores === 'number' && Number.isInteger(cores) && cores > 1 ? cores - 1 : 1
}

/**
 * 5 attempts for an account, then 1 s, 2 s, 4 s, ... up to 15 minutes between attempts: about 100 guesses
 * a day at the most, while someone who mistyped a few times waits seconds. 20 for an address. A key
 * is forgotten an hour after its last attempt; at most 10,000 of each are remembered.
 */
export function defaultLoginLimits(): LoginLimits {
  const rule = { firstLockout: SECOND, maxLockout: 15 * MINUTE, forgetAfter: 60 * MINUTE, maxKeys: 10_000 }
  const concurrentChecks = defaultConcurrentChecks()
  return {
    perAddress: { ...rule, freeAttempts: 20 },
    perAccount: { ...rule, freeAttempts: 5 },
    concurrentChecks,
    // Each check takes ~80 ms of one core, so a full line is through in well under a second.
    queuedChecks: 8 * concurrentChecks,
  }
}

/** Longer names are throttled by their first 128 characters: no real account needs more, and memory stays bounded. */
const MAX_ACCOUNT_KEY = 128

export type LoginOutcome<T> =
  | { ok: true; result: T }
  /** 429: this address or account must wait; 503: too many password checks already running and waiting. */
  | { ok: false; status: 429 | 503; retryAfterSeconds: number }

/**
 * Stands between a login form and the password check. An attempt is refused (429, with the seconds to
 * wait) while its address or its account name is locked out; refused (503) when too many checks are
 * running and waiting; otherwise counted against both, then checked. A success gives the address its
 * attempt back and clears the account's count. Unknown and known names are counted alike, and nothing
 * here depends on whether the account exists, so the answers do not tell them apart either.
 */
export class LoginGuard {
  readonly #byAddress: Throttle
  readonly #byAccount: Throttle
  readonly #checks: ConcurrencyLimit

  constructor(
    limits: LoginLimits,
    readonly clock: () => number,
    readonly log: Log,
  ) {
    this.#byAddress = new Throttle(limits.perAddress)
    this.#byAccount = new Throttle(limits.perAccount)
    this.#checks = new ConcurrencyLimit(limits.concurrentChecks, limits.queuedChecks)
  }

  /**
   * Runs `check` (the password check: a user, or undefined) for a login from `address` (a key from
   * addressKey()) to `account`, if the limits allow it now.
   */
  async attempt<T>(address: string, account: string, check: () => Promise<T | undefined>): Promise<LoginOutcome<T | undefined>> {
    const now = this.clock()
    const name = account.slice(0, MAX_ACCOUNT_KEY)
    const wait = Math.max(this.#byAddress.wait(address, now), this.#byAccount.wait(name, now))
    if (wait > 0) return { ok: false, status: 429, retryAfterSeconds: Math.ceil(wait / SECOND) }
    // Decided before any await, so a burst sent at once is counted and limited at once.
    const slot = this.#checks.enter()
    if (slot === undefined) return { ok: false, status: 503, retryAfterSeconds: 1 }
    this.#lockoutLine('address', address, this.#byAddress.charge(address, now))
    this.#lockoutLine('account', address, this.#byAccount.charge(name, now))
    const release = await slot
    let result: T | undefined
    try {
      result = await check()
    } finally {
      release()
    }
    if (result !== undefined) {
      this.#byAddress.refund(address)
      this.#byAccount.forget(name)
    }
    return { ok: true, result }
  }

  // Once per lock-out, not per refused request. The account's name is not logged: people type passwords into it.
  #lockoutLine(kind: 'address' | 'account', address: string, lockout: number): void {
    if (lockout === 0) return
    const what = kind === 'address' ? `address ${escapeForLog(address)}` : `an account name tried from ${escapeForLog(address)}`
    this.log.warn(`Login throttled: ${what} locked out for ${Math.ceil(lockout / SECOND)} s`)
  }
}
