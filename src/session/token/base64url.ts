const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * Whether the base64url text between `start` and `end` is the one spelling of its bytes: a last
 * character with non-zero unused bits decodes to the same bytes as the canonical one, so jose accepts
 * it, and a token would have several texts (a denylist of tokens could be dodged). Checks only those
 * bits; the decoder checks the alphabet, and the cookie reader refuses padding and whitespace.
 */
export function isCanonicalBase64url(text: string, start: number, end: number): boolean {
  const remainder = (end - start) % 4
  if (remainder === 0) return true
  if (remainder === 1) return false
  const unusedBits = remainder === 2 ? 0b1111 : 0b11
  return (ALPHABET.indexOf(text.charAt(end - 1)) & unusedBits) === 0
}
