import type { InvalidSessionReason } from '../errors.ts'
import type { JsonObject } from '../json.ts'

/** The claims of a session token; see "The token" in the README. */
export interface SessionClaims {
  /** Issued at, seconds. The idle timeout runs from here. */
  readonly iat: number
  /** Expires, seconds: iat + idle timeout, capped at start + absolute timeout. */
  readonly exp: number
  /** The audience (by default the cookie name): a token is valid only where it was issued for. */
  readonly aud: string
  /** Session id: random, 128 bits, base64url. New on `regenerate()` and after `clear()`. */
  readonly sid: string
  /** When this session started, seconds. The absolute timeout runs from here. */
  readonly start: number
  /** Present (true) only for a persistent cookie. */
  readonly permanent?: true
  /** Whom the session belongs to, as the app said at login (`regenerate({ subject })`). */
  readonly sub?: string
  /**
   * With the `revocation` option: when the session was last confirmed not revoked (or created), seconds.
   */
  readonly checked?: number
  /** With the `revocation` option: the revocation store's epoch at `checked` ('' when it could not be asked). */
  readonly epoch?: string
  /** The session's values, apart from the claims above. */
  readonly data: JsonObject
}

/** What a token's claims are checked against: the configuration and the request's instant. */
export interface ClaimRules {
  /** The `aud` a token must carry. */
  readonly audience: string
  /** Seconds since the epoch. */
  readonly now: number
  /** Seconds. */
  readonly idleTimeout: number
  /** Seconds. */
  readonly absoluteTimeout: number
  /** Seconds. */
  readonly clockTolerance: number
}

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/
/** A subject is the app's own id for a user: any printable text, bounded. */
const MAX_SUBJECT_LENGTH = 256
const EPOCH = /^(?:\d{1,16}\.[A-Za-z0-9_-]{1,64})?$/

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** For values that came out of JSON.parse, whose every part is a JSON value by construction. */
function isParsedObject(value: unknown): value is JsonObject {
  return isObject(value)
}

/**
 * Every check of a session token's claims, in the order the README lists them: the first that fails
 * decides. For a token whose signature is known good, whether just verified or found in the token cache,
 * so both are held to exactly the same rules. Expiry is exact; the clock tolerance only forgives
 * timestamps in the future, from a server whose clock runs ahead.
 */
export function validateSessionClaims(payloadText: string, rules: ClaimRules): SessionClaims | InvalidSessionReason {
  let payload: unknown
  try {
    payload = JSON.parse(payloadText)
  } catch {
    return 'malformed'
  }
  if (!isObject(payload)) return 'malformed'
  const { iat, exp, nbf, aud, sid, start, permanent, sub, checked, epoch, data } = payload
  const { now, clockTolerance: tolerance } = rules

  // Bound to its audience: a JWT made for another app, or copied into another cookie, is refused.
  if (aud !== rules.audience) return 'wrong-audience'

  if (typeof iat !== 'number' || typeof exp !== 'number' || (nbf !== undefined && typeof nbf !== 'number')) return 'invalid-claims'

  if (nbf !== undefined && nbf > now + tolerance) return 'not-yet-valid'

  if (exp <= now) return 'expired'

  // The idle timeout, from the signed iat, so shortening it applies to tokens already issued.
  if (now - iat >= rules.idleTimeout) return 'expired'

  if (iat > now + tolerance) return 'not-yet-valid'

  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || typeof start !== 'number' || !Number.isSafeInteger(start)) return 'invalid-claims'
  if (typeof sid !== 'string' || !SESSION_ID.test(sid)) return 'invalid-claims'
  if (permanent !== undefined && permanent !== true) return 'invalid-claims'
  if (sub !== undefined && (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH)) return 'invalid-claims'
  if (checked !== undefined && (typeof checked !== 'number' || !Number.isSafeInteger(checked) || checked > iat)) return 'invalid-claims'
  if (epoch !== undefined && (typeof epoch !== 'string' || !EPOCH.test(epoch) || checked === undefined)) return 'invalid-claims'
  if (!isParsedObject(data)) return 'invalid-claims'
  if (start > iat) return 'invalid-claims'

  if (start > now + tolerance) return 'not-yet-valid'

  // The absolute timeout, from the session's start: no amount of activity keeps a session past it.
  if (now >= start + rules.absoluteTimeout) return 'expired'

  return {
    iat,
    exp,
    aud,
    sid,
    start,
    ...(permanent === true ? { permanent } : {}),
    ...(typeof sub === 'string' ? { sub } : {}),
    ...(typeof checked === 'number' ? { checked } : {}),
    ...(typeof epoch === 'string' ? { epoch } : {}),
    data,
  }
}
