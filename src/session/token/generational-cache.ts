/**
 * A bounded map that keeps what was used recently: two generations of at most capacity/2 entries
 * each. New and re-used entries go into the young one; when it is full it becomes the old one and the
 * previous old one is dropped whole. Nothing is ever deleted one by one, which matters: a Map that
 * deletes entries leaves holes its iterator has to skip, and an LRU built on delete-and-reinsert
 * spent more time skipping them than the HMAC it saved.
 */
export class GenerationalCache<V> {
  #young = new Map<string, V>()
  #old = new Map<string, V>()
  readonly #generation: number

  constructor(readonly capacity: number) {
    this.#generation = Math.ceil(capacity / 2)
  }

  get(key: string): V | undefined {
    const young = this.#young.get(key)
    if (young !== undefined) return young
    const old = this.#old.get(key)
    if (old !== undefined) this.#remember(key, old)
    return old
  }

  /** The entry, without keeping it any longer than it would have been kept. */
  peek(key: string): V | undefined {
    return this.#young.get(key) ?? this.#old.get(key)
  }

  set(key: string, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value)
    else this.#remember(key, value)
  }

  /** Entries held, at most `capacity` (an entry in both generations counts once per generation). */
  get size(): number {
    return this.#young.size + this.#old.size
  }

  #remember(key: string, value: V): void {
    if (this.capacity <= 0) return
    this.#young.set(key, value)
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young
      this.#young = new Map()
    }
  }
}
