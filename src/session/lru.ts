/** A map of at most `capacity` entries that forgets the least recently used one first. */
export class Lru<V> {
  readonly #entries = new Map<string, V>()

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key)
    if (value !== undefined) {
      // Map keeps insertion order: moving the entry to the end marks it most recently used.
      this.#entries.delete(key)
      this.#entries.set(key, value)
    }
    return value
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return
    if (!this.#entries.delete(key) && this.#entries.size >= this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!)
    }
    this.#entries.set(key, value)
  }

  get size(): number {
    return this.#entries.size
  }
}
