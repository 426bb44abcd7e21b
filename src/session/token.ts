import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose'
import type { InvalidSessionReason } from './errors.ts'
import type { JsonObject } from './json.ts'
import type { Keyring, SessionKey } from './keyring.ts'

/** The `typ` header of every session token: a JWT made for anything else is refused. */
export const TOKEN_TYPE = 'session+jwt'
export const ALGORITHM = 'HS256'
/** We never send a cookie longer than this, so a longer one is not ours and is not even parsed. */
export const MAX_COOKIE_BYTES = 4096

/** The claims of a session token; see "The token" in the README. */
export interface SessionClaims {
  /** Issued at, seconds. The idle timeout runs from here. */
  iat: number
  /** Expires, seconds: iat + idle timeout, capped at start + absolute timeout. */
  exp: number
  /** The cookie name: a token is valid only in the cookie it was issued for. */
  aud: string
  /** Session id: random, 128 bits, base64url. New on `regenerate()` and after `clear()`. */
  sid: string
  /** When this session started, seconds. The absolute timeout runs from here. */
  start: number
  /** Present (true) only for a persistent cookie. */
  permanent?: true
  /** The session's values, apart from the claims above. */
  data: JsonObject
}

export interface VerifyContext {
  audience: string
  /** Seconds since the epoch. */
  now: number
  idleTimeout: number
  absoluteTimeout: number
  clockTolerance: number
}

export type VerifyResult =
  | { ok: true; claims: SessionClaims; key: SessionKey }
  | { ok: false; reason: InvalidSessionReason }

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/

class UnknownKeyError extends Error {}

function classify(error: unknown): InvalidSessionReason {
  if (error instanceof UnknownKeyError) return 'unknown-key'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported-algorithm'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature'
  if (error instanceof errors.JWTExpired) return 'expired'
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'typ' || error.claim === 'aud') return 'wrong-type'
    if (error.reason === 'check_failed' && (error.claim === 'nbf' || error.claim === 'iat')) return 'not-yet-valid'
    return 'invalid-claims'
  }
  // JWSInvalid, JWTInvalid, JOSENotSupported (e.g. an unknown "crit"), or anything else a hostile
  // token makes the parser throw: none of it may escape as a 5xx.
  return 'malformed'
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The checks jose does not know: our own claims, and the absolute timeout. */
function checkSessionClaims(payload: Record<string, unknown>, ctx: VerifyContext): InvalidSessionReason | SessionClaims {
  const { iat, exp, sid, start, permanent, data } = payload
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || !Number.isSafeInteger(start)) return 'invalid-claims'
  if (typeof sid !== 'string' || !SESSION_ID.test(sid)) return 'invalid-claims'
  if (permanent !== undefined && permanent !== true) return 'invalid-claims'
  if (!isPlainObject(data)) return 'invalid-claims'
  const started = start as number
  if (started > (iat as number)) return 'invalid-claims'
  if (started > ctx.now + ctx.clockTolerance) return 'not-yet-valid'
  // No tolerance here: reissuing a session past its deadline would give it a token that is already expired.
  if (ctx.now >= started + ctx.absoluteTimeout) return 'expired'
  return payload as unknown as SessionClaims
}

/** Verifies a session cookie's value. Never throws: a refused token comes back with its reason. */
export async function verifySessionToken(token: string, keyring: Keyring, ctx: VerifyContext): Promise<VerifyResult> {
  if (token.length > MAX_COOKIE_BYTES) return { ok: false, reason: 'malformed' }
  let key: SessionKey | undefined
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        key = keyring.find(header.kid)
        if (key === undefined) throw new UnknownKeyError()
        return key.key
      },
      {
        algorithms: [ALGORITHM],
        typ: TOKEN_TYPE,
        audience: ctx.audience,
        requiredClaims: ['iat', 'exp', 'sid', 'start', 'data'],
        // Enforces the idle timeout from the signed iat, and refuses an iat in the future.
        maxTokenAge: ctx.idleTimeout,
        clockTolerance: ctx.clockTolerance,
        currentDate: new Date(ctx.now * 1000),
      },
    )
    const claims = checkSessionClaims(payload, ctx)
    if (typeof claims === 'string') return { ok: false, reason: claims }
    return { ok: true, claims, key: key! }
  } catch (error) {
    return { ok: false, reason: classify(error) }
  }
}

/** Signs the claims with the given key, naming it in `kid`. */
export function signSessionToken(claims: SessionClaims, key: SessionKey): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: key.kid }).sign(key.key)
}
