import type { Context } from 'hono'
import { readSessionCookies, serializeCookieDeletion, serializeSessionCookie } from './cookie.ts'
import { SessionConfigError, type InvalidSessionReason } from './errors.ts'
import type { JsonObject } from './json.ts'
import { lazyKeyring, type Keyring } from './keyring.ts'
import type { ResolvedOptions } from './options.ts'
import { markPersonal, sendSessionCookie } from './response-headers.ts'
import { RevocationChecker, type RevocationStamp } from './revocation/checker.ts'
import { newSessionId, Session, sessionState, type SessionShape, type SessionState } from './session.ts'
import { TokenCache } from './token/cache.ts'
import type { ClaimRules, SessionClaims } from './token/claims.ts'
import { issueSessionToken, verifySessionToken, type VerifyResult } from './token/session-token.ts'

type Verified = Extract<VerifyResult, { ok: true }>

/** A session as the request brought it, with what saving it needs to know. */
export interface OpenedSession<T extends SessionShape<T>> {
  readonly session: Session<T>
  /** When the request arrived, in seconds: the new token's iat, and any start time regenerate() sets. */
  readonly now: number
  /** The valid token the session came from, if any. */
  readonly verified: Verified | undefined
  /** With revocation: what the loaded token's next version says about its last check. */
  readonly stamp: RevocationStamp | undefined
  /**
   * Whether the cookie the request sent may be deleted when the session ends up empty: one was sent,
   * and every value sent under the name was examined (none was valid, or the valid one was emptied).
   */
  readonly deletable: boolean
}

/** What a new token says about its session. */
export interface IssuedSession {
  readonly id: string
  /** Seconds since the epoch. */
  readonly start: number
  readonly permanent: boolean
  readonly subject: string | undefined
  readonly stamp: RevocationStamp | undefined
  readonly data: JsonObject
}

/**
 * Loads a session from the request's cookies and saves it into the response: the part of the
 * middleware that knows about tokens, cookies and revocation (Flask's `SessionInterface`). One per
 * configuration: it holds that configuration's keys, token cache and revocation state.
 */
export class SessionInterface {
  readonly #config: ResolvedOptions
  readonly #keyring: () => Promise<Keyring>
  readonly #cache: TokenCache | undefined
  readonly #revocation: RevocationChecker | undefined

  constructor(config: ResolvedOptions) {
    this.#config = config
    this.#keyring = lazyKeyring(config.secret, config.fallbackSecrets)
    this.#cache = config.tokenCacheSize > 0 ? new TokenCache(config.tokenCacheSize) : undefined
    this.#revocation = config.revocation && new RevocationChecker(config.revocation, config.clock)
  }

  /** The session cookie's name. */
  get cookieName(): string {
    return this.#config.cookie.name
  }

  /**
   * Verifies each cookie sent under the session's name, in order, and opens the first valid one; any
   * refused before it are reported to `onInvalid`. No valid one: a new, empty session. With
   * revocation, a revoked session is refused like any invalid cookie; a store that cannot answer
   * throws SessionStoreUnavailableError unless the session was confirmed recently enough.
   */
  async open<T extends SessionShape<T>>(c: Context): Promise<OpenedSession<T>> {
    const config = this.#config
    // One instant for the whole request: the token's iat, and any start time regenerate() sets.
    const now = Math.floor(config.clock() / 1000)
    const sent = readSessionCookies(c.req.raw.headers.get('Cookie'), config.cookie.name)
    // Once, however many: a header full of junk copies must not become as many log lines.
    if (sent.refused > 0) this.#refused('malformed', c)

    let verified: Verified | undefined
    let stamp: RevocationStamp | undefined
    if (sent.candidates.length > 0) {
      const keys = await this.#keyring()
      const rules = this.#rules(now)
      for (const token of sent.candidates) {
        const result = await verifySessionToken(token, keys, rules, this.#cache)
        if (!result.ok) {
          this.#refused(result.reason, c)
          continue
        }
        if (this.#revocation !== undefined) {
          const verdict = await this.#personalIfThrown(c, this.#revocation.verdict(result.claims, now))
          if (!verdict.ok) {
            this.#refused(verdict.reason, c)
            continue
          }
          stamp = verdict.stamp
        }
        verified = result
        break
      }
    }
    const claims = verified?.claims
    const session = new Session<T>(
      {
        data: claims?.data,
        id: claims?.sid ?? newSessionId(),
        start: claims?.start ?? now,
        permanent: claims?.permanent === true,
        subject: claims?.sub,
      },
      now,
    )
    const sentAny = sent.candidates.length + sent.refused + sent.skipped > 0
    // A value beyond the ones verified may have been valid: never answer it with a deletion.
    return { session, now, verified, stamp, deletable: sentAny && sent.skipped === 0 }
  }

  /**
   * Writes what the response needs after the handler: a reissued token, a deletion, or nothing, and
   * before them what the handler ended, in the revocation store. When the handler threw, its changes
   * are discarded and nothing is written but the caching headers (and the deletion of a refused cookie).
   */
  async save<T extends SessionShape<T>>(c: Context, opened: OpenedSession<T>): Promise<void> {
    const config = this.#config
    const { now, verified } = opened
    const state = sessionState(opened.session)

    if (c.error !== undefined) {
      // The handler's changes are discarded and a valid cookie is left as it was; a refused one is
      // still deleted, so it stops coming back.
      if (verified === undefined && opened.deletable) sendSessionCookie(c, serializeCookieDeletion(config.cookie))
      else if (state.accessed) markPersonal(c)
      return
    }
    // A session holding nothing, not even whom it belongs to, needs no cookie.
    if (state.size === 0 && state.subject === undefined) {
      await this.#personalIfThrown(c, this.#revoke(state, verified, now))
      // Deletes a cookie that was emptied, and one that was refused (expired, tampered), so it stops
      // coming back; never one that may be valid.
      if (opened.deletable) sendSessionCookie(c, serializeCookieDeletion(config.cookie))
      else if (state.accessed) markPersonal(c)
      return
    }
    const stamp = state.renewed || verified === undefined ? await this.#revocation?.fresh(now) : opened.stamp
    const due =
      verified === undefined ||
      config.refreshEachRequest ||
      !verified.key.current ||
      verified.format !== config.format ||
      now - verified.claims.iat >= config.idleTimeout / 2 ||
      this.#stampChanged(stamp, verified.claims) ||
      state.changed()
    if (!due) {
      if (state.accessed) markPersonal(c)
      return
    }
    const setCookie = await this.#personalIfThrown(
      c,
      (async () => {
        const data = state.data()
        const issued = await this.issue({ id: state.id, start: state.start, permanent: state.permanent, subject: state.subject, stamp, data }, now)
        // Measured (413) before anything is revoked, so a session too large to save is left as it was.
        const cookie = serializeSessionCookie(config.cookie, issued.token, issued.maxAge)
        await this.#revoke(state, verified, now)
        return cookie
      })(),
    )
    sendSessionCookie(c, setCookie)
  }

  /** A token for this session at `now` (seconds), made with the current key, and the cookie's Max-Age. */
  async issue(session: IssuedSession, now: number): Promise<{ token: string; maxAge: number | undefined }> {
    const config = this.#config
    const claims: SessionClaims = {
      iat: now,
      exp: Math.min(now + config.idleTimeout, session.start + config.absoluteTimeout),
      aud: config.audience,
      sid: session.id,
      start: session.start,
      ...(session.permanent ? { permanent: true as const } : {}),
      ...(session.subject === undefined ? {} : { sub: session.subject }),
      ...(session.stamp === undefined ? {} : { checked: session.stamp.checked, epoch: session.stamp.epoch }),
      data: session.data,
    }
    const token = await issueSessionToken(claims, await this.#keyring(), config.format, this.#cache)
    return { token, maxAge: session.permanent ? claims.exp - now : undefined }
  }

  /** Verifies one token at `now` (seconds) as a request's cookie would be (revocation aside). */
  async verify(token: string, now: number): Promise<VerifyResult> {
    const keys = await this.#keyring()
    return verifySessionToken(token, keys, this.#rules(now), this.#cache)
  }

  /**
   * Ends, in the store, what the handler ended: the loaded session when its identity ended (logout, or
   * a new login replacing it) and it belonged to someone — an anonymous session costs no store write,
   * so visitors cannot fill the store — and every session of a subject after `clear({ everywhere: true })`.
   * A session's revocation lives as long as its newest token could: it was issued at or before now.
   */
  async #revoke(state: SessionState, verified: Verified | undefined, now: number): Promise<void> {
    const revocation = this.#revocation
    const { idleTimeout, absoluteTimeout, clockTolerance } = this.#config
    if (state.endEverywhere !== undefined) {
      if (revocation === undefined) {
        throw new SessionConfigError('revocation', 'is required for clear({ everywhere: true }): without a store, other devices cannot be reached')
      }
      await revocation.revokeSubject({ subject: state.endEverywhere, cutoff: now, expiresAt: now + absoluteTimeout + clockTolerance, now })
    }
    const ended = verified?.claims
    if (revocation !== undefined && ended?.sub !== undefined && state.renewed) {
      const expiresAt = Math.min(now + idleTimeout, ended.start + absoluteTimeout) + clockTolerance
      await revocation.revokeSession({ sessionId: ended.sid, expiresAt, now })
    }
  }

  /**
   * Runs `work`; if it throws (a session too large, a store that cannot be reached), the error response
   * Hono makes from it is still marked personal: it may show who the visitor is.
   */
  async #personalIfThrown<R>(c: Context, work: Promise<R>): Promise<R> {
    try {
      return await work
    } catch (error) {
      c.header('Vary', 'Cookie', { append: true })
      c.header('Cache-Control', 'private')
      throw error
    }
  }

  /**
   * Whether the token must be reissued for what it says about revocation: a new epoch, or a check whose
   * time lets the next requests skip the store. With checkInterval 0 the store is asked every time
   * anyway, so a newer check time alone is no reason.
   */
  #stampChanged(stamp: RevocationStamp | undefined, claims: SessionClaims): boolean {
    if (stamp === undefined) return false
    if (stamp.epoch !== claims.epoch) return true
    return (this.#config.revocation?.checkInterval ?? 0) > 0 && stamp.checked !== claims.checked
  }

  #refused(reason: InvalidSessionReason, c: Context): void {
    this.#config.onInvalid?.(reason, c)
  }

  #rules(now: number): ClaimRules {
    const config = this.#config
    return {
      audience: config.audience,
      now,
      idleTimeout: config.idleTimeout,
      absoluteTimeout: config.absoluteTimeout,
      clockTolerance: config.clockTolerance,
    }
  }
}
