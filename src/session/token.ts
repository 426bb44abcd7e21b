import { base64url, CompactSign, compactVerify, errors, type CompactJWSHeaderParameters } from 'jose'
import type { InvalidSessionReason } from './errors.ts'
import type { JsonObject } from './json.ts'
import type { Keyring, SessionKey } from './keyring.ts'
import { Lru } from './lru.ts'

/** The `typ` header of every session token: a JWT made for anything else is refused. */
export const TOKEN_TYPE = 'session+jwt'
const ALGORITHM = 'HS256'
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

/** A token this process has verified or signed: its signature is known good, its times are not. */
interface KnownToken {
  /** The payload's JSON text, parsed afresh on every use so no request sees another's changes. */
  payload: string
  kid: string
}

/**
 * Remembers tokens whose signature this process has already checked (or made), and tokens already
 * signed for a given payload, so the common case — the same session again within a second — needs
 * no HMAC. Keyed by the exact token text (or payload text): a token differing in one byte misses and
 * is verified in full. Every hit is checked again for time (exp, idle, absolute, not-before).
 * Bounded: least recently used entries are dropped. One per middleware, so one set of keys.
 */
export class TokenCache {
  readonly verified: Lru<KnownToken>
  readonly signed: Lru<string>
  constructor(capacity: number) {
    this.verified = new Lru(capacity)
    this.signed = new Lru(capacity)
  }
}

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/
const encoder = new TextEncoder()
const decoder = new TextDecoder()

class UnknownKeyError extends Error {}

function classify(error: unknown): InvalidSessionReason {
  if (error instanceof UnknownKeyError) return 'unknown-key'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported-algorithm'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature'
  // JWSInvalid, JOSENotSupported (e.g. an unknown "crit"), or anything else a hostile token makes the
  // parser throw: none of it may escape as a 5xx.
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
  // Expiry is exact, like exp and the idle timeout: the tolerance only forgives timestamps in the future.
  if (ctx.now >= started + ctx.absoluteTimeout) return 'expired'
  return payload as unknown as SessionClaims
}

/**
 * Every check of the claims, for a token whose signature is known good. One path for a token just
 * verified and one found in the cache, so a cached token is held to exactly the same rules.
 */
function checkClaims(payloadText: string, key: SessionKey, ctx: VerifyContext): VerifyResult {
  let payload: unknown
  try {
    payload = JSON.parse(payloadText)
  } catch {
    return { ok: false, reason: 'malformed' }
  }
  if (!isPlainObject(payload)) return { ok: false, reason: 'malformed' }
  const { iat, exp, nbf, aud } = payload
  const { now, clockTolerance: tolerance } = ctx
  // Bound to the cookie name: a token copied into another cookie, or a JWT made for anything else, is refused.
  if (aud !== ctx.audience) return { ok: false, reason: 'wrong-type' }
  if (typeof iat !== 'number' || typeof exp !== 'number' || (nbf !== undefined && typeof nbf !== 'number')) {
    return { ok: false, reason: 'invalid-claims' }
  }
  if (nbf !== undefined && (nbf as number) > now + tolerance) return { ok: false, reason: 'not-yet-valid' }
  // Expiry is exact (a 2-second idle timeout ends after 2 seconds); the tolerance is for clocks that run
  // behind the issuer's, so it only forgives timestamps in the future.
  if (exp <= now) return { ok: false, reason: 'expired' }
  // The idle timeout, from the signed iat, so shortening it takes effect at once; and no iat in the future.
  if (now - iat >= ctx.idleTimeout) return { ok: false, reason: 'expired' }
  if (iat > now + tolerance) return { ok: false, reason: 'not-yet-valid' }
  const claims = checkSessionClaims(payload, ctx)
  return typeof claims === 'string' ? { ok: false, reason: claims } : { ok: true, claims, key }
}

/** Verifies a session cookie's value. Never throws: a refused token comes back with its reason. */
export async function verifySessionToken(
  token: string,
  keyring: Keyring,
  ctx: VerifyContext,
  cache?: TokenCache,
): Promise<VerifyResult> {
  if (token.length > MAX_COOKIE_BYTES) return { ok: false, reason: 'malformed' }
  const known = cache?.verified.get(token)
  const knownKey = known && keyring.find(known.kid)
  if (known !== undefined && knownKey !== undefined) return checkClaims(known.payload, knownKey, ctx)

  let key: SessionKey | undefined
  let payload: string
  try {
    // jose parses the JWS, pins the algorithm, refuses unknown "crit" headers and checks the signature.
    const verified = await compactVerify(
      token,
      (header: CompactJWSHeaderParameters) => {
        key = keyring.find(header.kid)
        if (key === undefined) throw new UnknownKeyError()
        return key.key
      },
      { algorithms: [ALGORITHM] },
    )
    // One token, one text: a signature re-encoded with other trailing bits or padding decodes to
    // the same bytes and would pass, making the token malleable (a denylist of tokens could be dodged).
    const signature = token.slice(token.lastIndexOf('.') + 1)
    if (base64url.encode(base64url.decode(signature)) !== signature) return { ok: false, reason: 'malformed' }
    if (verified.protectedHeader.typ !== TOKEN_TYPE) return { ok: false, reason: 'wrong-type' }
    payload = decoder.decode(verified.payload)
  } catch (error) {
    return { ok: false, reason: classify(error) }
  }
  const result = checkClaims(payload, key!, ctx)
  if (result.ok) cache?.verified.set(token, { payload, kid: key!.kid })
  return result
}

/** Signs the claims with the given key, naming it in `kid`; the payload is serialised once. */
export async function signSessionToken(claims: SessionClaims, key: SessionKey, cache?: TokenCache): Promise<string> {
  const payload = JSON.stringify(claims)
  const cacheKey = `${key.kid}.${payload}`
  let token = cache?.signed.get(cacheKey)
  if (token === undefined) {
    token = await new CompactSign(encoder.encode(payload)).setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: key.kid }).sign(key.key)
    cache?.signed.set(cacheKey, token)
    cache?.verified.set(token, { payload, kid: key.kid })
  }
  return token
}
