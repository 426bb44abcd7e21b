import { GenerationalCache } from './generational-cache.ts'
import { Sightings } from './sightings.ts'

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
 * - only a token likely to come back is kept: one verified a second time (parallel requests, a client
 *   that ignores Set-Cookie), or one issued to a session issued a token here before (its browser is
 *   coming back). Kept on first sight, the tokens of sessions seen too rarely to ever hit (more of them
 *   than the cache holds) would die middle-aged by the thousand, and collecting them cost more CPU than
 *   no cache at all. First sightings go to fixed tables that allocate nothing;
 * - the tokens issued in the latest second that issued any are known too, whatever the above says: the
 *   request right after a login (its redirect, the page's parallel fetches) needs no crypto;
 * - knowing a token says nothing about time: every hit is held to all the claim checks again, and its
 *   payload is parsed afresh, so no request sees another's changes;
 * - bounded: at most `capacity` tokens kept (once full, never fewer than three quarters of it: the
 *   oldest quarter is dropped at a time), plus those of the latest second (at most `capacity` more). A
 *   hit does not keep a token longer: the request reissues the session, and its new token is what comes
 *   back (with `refreshEachRequest: false`, a token used for long is verified in full again once dropped,
 *   and kept again from its second verification);
 * - a payload issued again within the same second (its `iat`) gets the same token instead of being
 *   made again; that memory lasts one second, as no later payload can equal it.
 * One per middleware configuration, so one set of keys and one format.
 */
export class TokenCache {
  readonly #known: GenerationalCache<KnownToken>
  readonly #capacity: number
  readonly #verifiedSightings: Sightings
  readonly #sessionsIssuedTo: Sightings
  /** Second `#latestSecond`'s tokens: payload text → token, and token → what is known of it. */
  #tokenByPayload = new Map<string, string>()
  #latestSecondTokens = new Map<string, KnownToken>()
  #latestSecond = -1

  constructor(capacity: number) {
    this.#capacity = capacity
    this.#known = new GenerationalCache(capacity)
    this.#verifiedSightings = new Sightings(capacity)
    this.#sessionsIssuedTo = new Sightings(capacity)
  }

  /** What is known of a token whose signature is already known good, or undefined. */
  known(token: string): KnownToken | undefined {
    return this.#known.peek(token) ?? this.#latestSecondTokens.get(token)
  }

  /** Notes a token whose signature was just checked; remembers it if it was checked before. */
  rememberVerified(token: string, known: KnownToken): void {
    if (this.#verifiedSightings.recordSighting(token)) this.#known.set(token, known)
  }

  /** The token already issued this second for exactly this payload, if any. */
  issuedFor(payload: string, iat: number): string | undefined {
    return iat === this.#latestSecond ? this.#tokenByPayload.get(payload) : undefined
  }

  /**
   * Notes a token just issued to session `sid`: the same payload this second gets it again, it is
   * known until a later second issues one, and after that if the session was issued a token here before.
   */
  rememberIssued(token: string, payload: string, iat: number, sid: string, known: KnownToken): void {
    if (iat !== this.#latestSecond) {
      this.#tokenByPayload = new Map()
      this.#latestSecondTokens = new Map()
      this.#latestSecond = iat
    }
    if (this.#tokenByPayload.size < this.#capacity) {
      this.#tokenByPayload.set(payload, token)
      this.#latestSecondTokens.set(token, known)
    }
    if (this.#sessionsIssuedTo.recordSighting(sid)) this.#known.set(token, known)
  }
}
