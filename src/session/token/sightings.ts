/**
 * Remembers, approximately and in fixed memory, which strings were seen recently: 32-bit fingerprints
 * in buckets of four, a bucket forgetting its oldest when a fifth arrives. With two to four slots per
 * sighting to remember (twice, rounded up to a power of two), a string is still remembered after as
 * many others in 85% to 97% of cases (one slot per fingerprint, at the same memory, about 60%). Used
 * only for strings that are random already (a MAC, a session id), whose last characters are their
 * fingerprint. Nothing is allocated per sighting, so the garbage collector never sees them. A wrong
 * answer (two strings with one fingerprint, or a sighting forgotten) is only ever an early or a missed
 * cache admission.
 */
export class Sightings {
  readonly #slots: Uint32Array
  /** Per bucket, the slot the next new fingerprint takes (0 to 3): its oldest. */
  readonly #next: Uint8Array
  readonly #bucketMask: number

  /** Room for `size` recent sightings, with the slack above. */
  constructor(size: number) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(2 * size, 64)))
    this.#slots = new Uint32Array(slots)
    this.#next = new Uint8Array(slots / BUCKET)
    this.#bucketMask = slots / BUCKET - 1
  }

  /** Whether `value` was seen recently; records this sighting either way. */
  recordSighting(value: string): boolean {
    const fingerprint = fingerprintOf(value)
    const bucket = fingerprint & this.#bucketMask
    const first = bucket * BUCKET
    for (let slot = first; slot < first + BUCKET; slot++) if (this.#slots[slot] === fingerprint) return true
    const next = this.#next[bucket]!
    this.#slots[first + next] = fingerprint
    this.#next[bucket] = (next + 1) % BUCKET
    return false
  }
}

const BUCKET = 4

/**
 * The last characters of a random string, mixed into a number (the very last base64url character of a
 * MAC or an id carries only a few bits, so they are hashed, not used as they are); never 0, the empty slot.
 */
function fingerprintOf(value: string): number {
  let hash = 0x811c9dc5
  for (let i = Math.max(0, value.length - 8); i < value.length; i++) hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193)
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  hash = (hash ^ (hash >>> 16)) >>> 0
  return hash === 0 ? 1 : hash
}
