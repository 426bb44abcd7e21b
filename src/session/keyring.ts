import { base64url, type CompactJWSHeaderParameters } from 'jose'

/** One configured secret, imported once for HMAC-SHA-256. */
export interface SessionKey {
  /** Derived from the secret, so every process holding the same secret names it the same way. */
  readonly kid: string
  readonly key: CryptoKey
  /** True for the secret that signs; false for fallbacks, which only verify. */
  readonly current: boolean
}

/** A token named a key that is not configured (or none). */
export class UnknownKeyError extends Error {}

export interface Keyring {
  readonly signing: SessionKey
  /** Only configured keys: a token can never bring its own. */
  find(kid: unknown): SessionKey | undefined
  /** For jose: the key a JWS header's `kid` names; throws UnknownKeyError for any other. */
  readonly verificationKey: (header: CompactJWSHeaderParameters) => CryptoKey
}

const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const
// Has no ".", so it can never equal a JWS signing input made with the same key.
const KID_LABEL = new TextEncoder().encode('hono-jwt-session key id')
const KID_BYTES = 9

async function importSecret(secret: Uint8Array<ArrayBuffer>, current: boolean): Promise<SessionKey> {
  const key = await crypto.subtle.importKey('raw', secret, HMAC, false, ['sign', 'verify'])
  // A keyed hash, not a plain one: the kid tells nothing about the secret.
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, KID_LABEL))
  return { kid: base64url.encode(mac.subarray(0, KID_BYTES)), key, current }
}

async function importKeyring(secret: Uint8Array<ArrayBuffer>, fallbacks: readonly Uint8Array<ArrayBuffer>[]): Promise<Keyring> {
  const [signing, ...others] = await Promise.all([importSecret(secret, true), ...fallbacks.map((s) => importSecret(s, false))])
  const byKid = new Map([signing, ...others].map((k) => [k.kid, k]))
  const find = (kid: unknown): SessionKey | undefined => (typeof kid === 'string' ? byKid.get(kid) : undefined)
  return {
    signing,
    find,
    verificationKey: (header) => {
      const found = find(header.kid)
      if (found === undefined) throw new UnknownKeyError()
      return found.key
    },
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
