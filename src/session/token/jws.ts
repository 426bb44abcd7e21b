import { CompactSign, compactVerify, errors } from 'jose'
import type { InvalidSessionReason } from '../errors.ts'
import { UnknownKeyError, type Keyring, type SessionKey } from '../keyring.ts'
import { isCanonicalBase64url } from './base64url.ts'
import type { TokenCache } from './cache.ts'
import { validateSessionClaims, type ClaimRules, type SessionClaims } from './claims.ts'

/** The `typ` header of every session token: a JWT made for anything else is refused. */
export const TOKEN_TYPE = 'session+jwt'
const ALGORITHM = 'HS256'

export type VerifyResult =
  | { readonly ok: true; readonly claims: SessionClaims; readonly key: SessionKey }
  | { readonly ok: false; readonly reason: InvalidSessionReason }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function refused(reason: InvalidSessionReason): VerifyResult {
  return { ok: false, reason }
}

function reasonFor(error: unknown): InvalidSessionReason {
  if (error instanceof UnknownKeyError) return 'unknown-key'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'unsupported-algorithm'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad-signature'
  // JWSInvalid, JOSENotSupported (e.g. an unknown "crit"), or anything else a hostile token makes the
  // parser throw: none of it may escape as a 5xx.
  return 'malformed'
}

function withClaims(payload: string, key: SessionKey, rules: ClaimRules): VerifyResult {
  const claims = validateSessionClaims(payload, rules)
  return typeof claims === 'string' ? refused(claims) : { ok: true, claims, key }
}

/** Verifies a session cookie's value. Never throws: a refused token comes back with its reason. */
export async function verifySessionToken(token: string, keyring: Keyring, rules: ClaimRules, cache: TokenCache | undefined): Promise<VerifyResult> {
  const known = cache?.known(token)
  const knownKey = known === undefined ? undefined : keyring.find(known.kid)
  if (known !== undefined && knownKey !== undefined) return withClaims(known.payload, knownKey, rules)

  let verified
  try {
    // jose parses the JWS, pins the algorithm, refuses unknown "crit" headers and checks the signature.
    verified = await compactVerify(token, keyring.verificationKey, { algorithms: [ALGORITHM] })
  } catch (error) {
    return refused(reasonFor(error))
  }
  if (!isCanonicalBase64url(token, token.lastIndexOf('.') + 1)) return refused('malformed')
  if (verified.protectedHeader.typ !== TOKEN_TYPE) return refused('wrong-type')
  const key = keyring.find(verified.protectedHeader.kid)
  if (key === undefined) return refused('unknown-key')
  const payload = decoder.decode(verified.payload)
  const result = withClaims(payload, key, rules)
  if (result.ok) cache?.rememberVerified(token, { payload, kid: key.kid })
  return result
}

/** Signs the claims with the given key, naming it in `kid`; the payload is serialised once. */
export async function signSessionToken(claims: SessionClaims, key: SessionKey, cache: TokenCache | undefined): Promise<string> {
  const payload = JSON.stringify(claims)
  const known = cache?.signedFor(payload)
  if (known !== undefined) return known
  const token = await new CompactSign(encoder.encode(payload)).setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: key.kid }).sign(key.key)
  cache?.rememberSigned(token, { payload, kid: key.kid })
  return token
}
