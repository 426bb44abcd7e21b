import { base64url, type CompactJWEHeaderParameters, type CompactJWSHeaderParameters } from 'jose'

/** One configured secret, imported once: the HMAC key that signs, and the AES key derived for encryption. */
export interface SessionKey {
  /** Derived from the secret, so every process holding the same secret names it the same way. */
  readonly kid: string
  /** HMAC-SHA-256 with the secret itself, so any JWT library holding it can verify a signed session. */
  readonly signingKey: CryptoKey
  /** AES-256-GCM, derived from the secret by HKDF-SHA-256 with its own label: never the signing key. */
  readonly encryptionKey: CryptoKey
  /** True for the secret that signs and encrypts; false for fallbacks, which only verify and decrypt. */
  readonly current: boolean
}

/** A token named a key that is not configured (or none). */
export class UnknownKeyError extends Error {}

export interface Keyring {
  readonly current: SessionKey
  /** Only configured keys: a token can never bring its own. */
  find(kid: unknown): SessionKey | undefined
  /** For jose: the HMAC key a JWS header's `kid` names; throws UnknownKeyError for any other. */
  readonly verificationKey: (header: CompactJWSHeaderParameters) => CryptoKey
  /** For jose: the AES key a JWE header's `kid` names; throws UnknownKeyError for any other. */
  readonly decryptionKey: (header: CompactJWEHeaderParameters) => CryptoKey
}

const encoder = new TextEncoder()
const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const
// Neither label has a ".", so neither can equal a JWS signing input made with the same key.
const KID_LABEL = encoder.encode('hono-jwt-session key id')
const ENCRYPTION_LABEL = encoder.encode('hono-jwt-session A256GCM session encryption')
const KID_BYTES = 9

async function importSecret(secret: Uint8Array<ArrayBuffer>, current: boolean): Promise<SessionKey> {
  const signingKey = await crypto.subtle.importKey('raw', secret, HMAC, false, ['sign', 'verify'])
  const material = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey'])
  const encryptionKey = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: ENCRYPTION_LABEL },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
  // A keyed hash, not a plain one: the kid tells nothing about the secret.
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', signingKey, KID_LABEL))
  return { kid: base64url.encode(mac.subarray(0, KID_BYTES)), signingKey, encryptionKey, current }
}

async function importKeyring(secret: Uint8Array<ArrayBuffer>, fallbacks: readonly Uint8Array<ArrayBuffer>[]): Promise<Keyring> {
  const [current, ...others] = await Promise.all([importSecret(secret, true), ...fallbacks.map((s) => importSecret(s, false))])
  const byKid = new Map([current, ...others].map((k) => [k.kid, k]))
  const find = (kid: unknown): SessionKey | undefined => (typeof kid === 'string' ? byKid.get(kid) : undefined)
  const named = (kid: unknown): SessionKey => {
    const found = find(kid)
    if (found === undefined) throw new UnknownKeyError()
    return found
  }
  return {
    current,
    find,
    verificationKey: (header) => named(header.kid).signingKey,
    decryptionKey: (header) => named(header.kid).encryptionKey,
  }
}

/**
 * Imports the secrets on first use and never again. Lazy because some runtimes (Workers) refuse
 * crypto work at module load, when the middleware is usually built.
 */
export function lazyKeyring(secret: Uint8Array<ArrayBuffer>, fallbacks: readonly Uint8Array<ArrayBuffer>[]): () => Promise<Keyring> {
  let keyring: Promise<Keyring> | undefined
  return () => (keyring ??= importKeyring(secret, fallbacks))
}
