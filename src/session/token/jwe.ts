import { CompactEncrypt, compactDecrypt } from 'jose'
import type { Keyring, SessionKey } from '../keyring.ts'
import { isCanonicalBase64url } from './base64url.ts'
import { TOKEN_TYPE, type Opened } from './jws.ts'

const KEY_MANAGEMENT = 'dir'
const CONTENT_ENCRYPTION = 'A256GCM'

/**
 * Decrypts a compact JWE: jose parses it, pins dir + A256GCM, refuses compression and unknown "crit"
 * headers, finds the key by `kid` among the configured ones, and authenticates the header and the
 * ciphertext; throws jose's errors (or UnknownKeyError) for anything else. Returns undefined for an
 * iv, ciphertext or tag spelled other than as issued (the header is authenticated as text).
 */
export async function decrypt(token: string, keyring: Keyring): Promise<Opened | undefined> {
  const { protectedHeader, plaintext } = await compactDecrypt(token, keyring.decryptionKey, {
    keyManagementAlgorithms: [KEY_MANAGEMENT],
    contentEncryptionAlgorithms: [CONTENT_ENCRYPTION],
    maxDecompressedLength: 0,
  })
  let end = token.length
  for (let i = 0; i < 3; i++) {
    const start = token.lastIndexOf('.', end - 1) + 1
    if (!isCanonicalBase64url(token, start, end)) return undefined
    end = start - 1
  }
  return { typ: protectedHeader.typ, kid: protectedHeader.kid, payload: plaintext }
}

/** Encrypts the payload (JSON text) with the key's AES key, naming it in `kid`; never compressed. */
export function encrypt(payload: Uint8Array, key: SessionKey): Promise<string> {
  return new CompactEncrypt(payload)
    .setProtectedHeader({ alg: KEY_MANAGEMENT, enc: CONTENT_ENCRYPTION, typ: TOKEN_TYPE, kid: key.kid })
    .encrypt(key.encryptionKey)
}
