// Tokens made and read without the code under test, for hostile-input tests: forge() signs any header
// and payload with WebCrypto's HMAC, claimsOf()/headerOf() decode without verifying. Never use them to
// make a valid session for a test about something else: sessionCookie() from hono-jwt-session/testing does that.
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose'
import { SECRET } from './secrets.ts'

export type Hs = 'HS256' | 'HS384' | 'HS512'

/** base64url of a text (as UTF-8) or of bytes. */
export const b64 = (value: string | Uint8Array): string => base64url.encode(value)
/** base64url of a value's JSON. */
export const b64json = (value: unknown): string => b64(JSON.stringify(value))

/** An HMAC signature in base64url, computed without the code under test: for forging tokens in tests. */
export async function hmac(alg: Hs, secret: string | Uint8Array<ArrayBuffer>, input: string): Promise<string> {
  const encoder = new TextEncoder()
  const hash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' }[alg]
  const raw = typeof secret === 'string' ? encoder.encode(secret) : secret
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, ['sign'])
  return base64url.encode(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(input))))
}

/**
 * A compact token with any header and payload (a string is encoded as it is, anything else as JSON),
 * HMAC-signed with `secret` under `alg`.
 */
export async function forge(header: unknown, payload: unknown, secret: string | Uint8Array<ArrayBuffer> = SECRET, alg: Hs = 'HS256'): Promise<string> {
  const part = (value: unknown) => (typeof value === 'string' ? b64(value) : b64json(value))
  const input = `${part(header)}.${part(payload)}`
  return `${input}.${await hmac(alg, secret, input)}`
}

/** A token's claims, decoded without verifying. */
export function claimsOf(token: string) {
  return decodeJwt(token) as Record<string, unknown>
}

/** A token's protected header, decoded without verifying. */
export function headerOf(token: string) {
  return decodeProtectedHeader(token) as Record<string, unknown>
}
