import { base64url, errors } from 'jose'
import type { InvalidSessionReason } from '../errors.ts'
import { UnknownKeyError, type Keyring, type SessionKey } from '../keyring.ts'
import type { KnownToken, TokenCache } from './cache.ts'
import { validateSessionClaims, type ClaimRules, type SessionClaims } from './claims.ts'
import { decrypt, encrypt } from './jwe.ts'
import { sign, TOKEN_TYPE, verifySigned, type Opened } from './jws.ts'

/** How a session token is made: a signed JWS (readable by anyone holding it) or an encrypted JWE. */
export type TokenFormat = 'signed' | 'encrypted'

export type VerifyResult =
  | { readonly ok: true; readonly claims: SessionClaims; readonly key: SessionKey; readonly format: TokenFormat }
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
  if (error instanceof errors.JWEDecryptionFailed) return 'decryption-failed'
  // JWSInvalid, JWEInvalid, JOSENotSupported (an unknown "crit", compression), or anything else a
  // hostile token makes the parser throw: none of it may escape as a 5xx.
  return 'malformed'
}

/** A compact JWS has three parts, a compact JWE five: the format is read from the dots alone. */
function formatOf(token: string): TokenFormat {
  let dots = 0
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) dots++
  return dots === 4 ? 'encrypted' : 'signed'
}

/** A signed token's payload text, read from the token itself (its signature is known good). */
function signedPayload(token: string): string {
  const start = token.indexOf('.') + 1
  return decoder.decode(base64url.decode(token.slice(start, token.indexOf('.', start))))
}

// What is known of a signed token is only its key (its payload is read from the token again): one
// object per key instead of one per cached token, which the garbage collector would walk over and over.
const knownSigned = new WeakMap<SessionKey, KnownToken>()

function knownToken(key: SessionKey, format: TokenFormat, payload: string): KnownToken {
  if (format === 'encrypted') return { kid: key.kid, payload }
  let known = knownSigned.get(key)
  if (known === undefined) knownSigned.set(key, (known = { kid: key.kid, payload: undefined }))
  return known
}

function withClaims(payload: string, key: SessionKey, format: TokenFormat, rules: ClaimRules): VerifyResult {
  const claims = validateSessionClaims(payload, rules)
  return typeof claims === 'string' ? refused(claims) : { ok: true, claims, key, format }
}

/**
 * Verifies a session cookie's value, signed or encrypted whatever the configured format (so turning
 * encryption on or off logs nobody out). Never throws: a refused token comes back with its reason.
 */
export async function verifySessionToken(token: string, keyring: Keyring, rules: ClaimRules, cache: TokenCache | undefined): Promise<VerifyResult> {
  const format = formatOf(token)
  const known = cache?.known(token)
  const knownKey = known === undefined ? undefined : keyring.find(known.kid)
  if (known !== undefined && knownKey !== undefined) return withClaims(known.payload ?? signedPayload(token), knownKey, format, rules)

  let opened: Opened | undefined
  try {
    opened = format === 'encrypted' ? await decrypt(token, keyring) : await verifySigned(token, keyring)
  } catch (error) {
    return refused(reasonFor(error))
  }
  if (opened === undefined) return refused('malformed')
  if (opened.typ !== TOKEN_TYPE) return refused('wrong-type')
  const key = keyring.find(opened.kid)
  if (key === undefined) return refused('unknown-key')
  const payload = decoder.decode(opened.payload)
  const result = withClaims(payload, key, format, rules)
  if (result.ok) cache?.rememberVerified(token, knownToken(key, format, payload))
  return result
}

/** Makes a token of the claims with the current key; the payload is serialised once. */
export async function issueSessionToken(claims: SessionClaims, keyring: Keyring, format: TokenFormat, cache: TokenCache | undefined): Promise<string> {
  const payload = JSON.stringify(claims)
  const issued = cache?.issuedFor(payload, claims.iat)
  if (issued !== undefined) return issued
  const key = keyring.current
  const bytes = encoder.encode(payload)
  const token = format === 'encrypted' ? await encrypt(bytes, key) : await sign(bytes, key)
  cache?.rememberIssued(token, payload, claims.iat, claims.sid, knownToken(key, format, payload))
  return token
}
