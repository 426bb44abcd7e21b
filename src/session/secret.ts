import { base64url } from 'jose'

/**
 * A new random secret for `session({ secret })`: 32 random bytes as 43 base64url characters. Make one
 * per deployment and keep it out of the code (`npx hono-jwt-session` prints one).
 */
export function generateSecret(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
}
