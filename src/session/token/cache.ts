import { GenerationalCache } from './generational-cache.ts'

/** A token whose signature this process has checked or made: its signature is known good, its times are not. */
export interface KnownToken {
  /** The payload's JSON text, parsed afresh on every use so no request sees another's changes. */
  readonly payload: string
  /** The key that signed it; only used while that key is still configured. */
  readonly kid: string
}

/**
 * Remembers tokens this process has already verified or signed, so the common case — the same session
 * again, or reissued within the same second — needs no HMAC. The rules:
 * - a token is known by its exact text: one byte different, and it is verified in full;
 * - only a token whose signature was checked (or that this process signed) is ever remembered;
 * - knowing a token says nothing about time: every hit is held to all the claim checks again;
 * - a payload signed again gets the same token while remembered (same payload means same second, and
 *   a cache serves one configuration, so one signing key);
 * - bounded: what was not used recently is dropped, a generation at a time.
 * One per middleware configuration, so one set of keys.
 */
export class TokenCache {
  readonly #verified: GenerationalCache<KnownToken>
  readonly #signed: GenerationalCache<string>

  constructor(capacity: number) {
    this.#verified = new GenerationalCache(capacity)
    this.#signed = new GenerationalCache(capacity)
  }

  /** The payload and key of a token whose signature is already known good, or undefined. */
  known(token: string): KnownToken | undefined {
    return this.#verified.get(token)
  }

  /** Remembers a token whose signature was just checked. */
  rememberVerified(token: string, known: KnownToken): void {
    this.#verified.set(token, known)
  }

  /** The token already signed for exactly this payload, if remembered (one cache, one signing key). */
  signedFor(payload: string): string | undefined {
    return this.#signed.get(payload)
  }

  /** Remembers a token just signed: the same payload gets it again, and it comes back verified. */
  rememberSigned(token: string, known: KnownToken): void {
    this.#signed.set(known.payload, token)
    this.#verified.set(token, known)
  }
}
