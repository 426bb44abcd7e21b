import { CompactSign, compactVerify } from 'jose'
import type { Keyring, SessionKey } from '../keyring.ts'
import { isCanonicalBase64url } from './base64url.ts'

/** The `typ` header of every session token, signed or encrypted: a JWT made for anything else is refused. */
export const TOKEN_TYPE = 'session+jwt'
const ALGORITHM = 'HS256'

/** A signed token whose signature matched: its header and payload, as issued. */
export interface Opened {
  readonly typ: unknown
  readonly kid: unknown
  readonly payload: Uint8Array
}

/**
 * Verifies a compact JWS: jose parses it, pins HS256, refuses unknown "crit" headers, finds the key
 * by `kid` among the configured ones and checks the signature; throws jose's errors (or
 * UnknownKeyError) for anything else. Returns undefined for a token other than as issued: a signature
 * spelled otherwise, or a header with `b64` or `crit` (an unencoded payload, which jose accepts, would
 * read differently from the token than jose read it, and no token of ours has one).
 */
export async function verifySigned(token: string, keyring: Keyring): Promise<Opened | undefined> {
  const { protectedHeader, payload } = await compactVerify(token, keyring.verificationKey, { algorithms: [ALGORITHM] })
  if (protectedHeader.b64 !== undefined || protectedHeader.crit !== undefined) return undefined
  // One token, one text: a signature re-encoded with other trailing bits decodes to the same bytes.
  if (!isCanonicalBase64url(token, token.lastIndexOf('.') + 1, token.length)) return undefined
  return { typ: protectedHeader.typ, kid: protectedHeader.kid, payload }
}

/** Signs the payload (JSON text) with the key, naming it in `kid`. */
export function sign(payload: Uint8Array, key: SessionKey): Promise<string> {
  return new CompactSign(payload).setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: key.kid }).sign(key.signingKey)
}
