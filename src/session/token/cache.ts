import { GenerationalCache } from './generational-cache.ts'

/** A token whose signature this process has checked or made: its signature is known good, its times are not. */
export interface KnownToken {
  /** The key that made it; only used while that key is still configured. */
  readonly kid: string
  /**
   * The payload's JSON text when it cannot be read from the token itself (an encrypted token); for a
   * signed token, undefined: the text is decoded from the token again, so an entry costs little more
   * than the token.
   */
  readonly payload: string | undefined
}

/**
 * Remembers tokens this process has verified or issued, so a session seen again — the token a browser
 * was last given, or the same cookie on parallel requests — needs no crypto. The rules:
 * - a token is known by its exact text: one byte different, and it is verified in full;
 * - only a token whose signature was checked (or that this process made) is ever remembered;
 * - knowing a token says nothing about time: every hit is held to all the claim checks again, and its
 *   payload is parsed afresh, so no request sees another's changes;
 * - bounded: `capacity` known tokens, what was not used recently dropped a generation at a time;
 * - a payload issued again within the same second (its `iat`) gets the same token instead of being
 *   made again; that memory lasts one second, as no later payload can equal it.
 * One per middleware configuration, so one set of keys and one format.
 */
export class TokenCache {
  readonly #known: GenerationalCache<KnownToken>
  readonly #capacity: number
  /** Payload text → token, for tokens issued in second `#issuedAt` only. */
  #issued = new Map<string, string>()
  #issuedAt = -1

  constructor(capacity: number) {
    this.#capacity = capacity
    this.#known = new GenerationalCache(capacity)
  }

  /** What is known of a token whose signature is already known good, or undefined. */
  known(token: string): KnownToken | undefined {
    return this.#known.get(token)
  }

  /** Remembers a token whose signature was just checked. */
  rememberVerified(token: string, known: KnownToken): void {
    this.#known.set(token, known)
  }

  /** The token already issued this second for exactly this payload, if any. */
  issuedFor(payload: string, iat: number): string | undefined {
    return iat === this.#issuedAt ? this.#issued.get(payload) : undefined
  }

  /** Remembers a token just issued: the same payload this second gets it again, and it comes back known. */
  rememberIssued(token: string, payload: string, iat: number, known: KnownToken): void {
    if (iat !== this.#issuedAt) {
      this.#issued = new Map()
      this.#issuedAt = iat
    }
    if (this.#issued.size < this.#capacity) this.#issued.set(payload, token)
    this.#known.set(token, known)
  }
}
