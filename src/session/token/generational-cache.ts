/**
 * A bounded map that keeps what was used recently, in four generations of a quarter of its capacity
 * (rounded down): new and re-used entries go into the youngest; when it is full a new one starts and
 * the oldest is dropped whole. Nothing is ever deleted one by one, which matters: a Map that deletes
 * entries leaves holes its iterator has to skip, and an LRU built on delete-and-reinsert spent more time
 * skipping them than the HMAC it saved. Four generations rather than two halves: once full, it always
 * holds at least three quarters of its capacity instead of half, for two more Map lookups on a miss.
 */
export class GenerationalCache<V> {
  readonly #generations: Map<string, V>[]
  readonly #generationSize: number

  constructor(readonly capacity: number) {
    const count = Math.max(1, Math.min(GENERATIONS, capacity))
    this.#generationSize = Math.floor(capacity / count)
    this.#generations = Array.from({ length: count }, () => new Map<string, V>())
  }

  get(key: string): V | undefined {
    const young = this.#generations[0]!.get(key)
    if (young !== undefined) return young
    const old = this.peek(key)
    if (old !== undefined) this.#remember(key, old)
    return old
  }

  /** The entry, without keeping it any longer than it would have been kept. */
  peek(key: string): V | undefined {
    for (const generation of this.#generations) {
      const value = generation.get(key)
      if (value !== undefined) return value
    }
    return undefined
  }

  set(key: string, value: V): void {
    const young = this.#generations[0]!
    if (young.has(key)) young.set(key, value)
    else this.#remember(key, value)
  }

  /** Entries held, at most `capacity` (an entry in several generations counts once per generation). */
  get size(): number {
    let size = 0
    for (const generation of this.#generations) size += generation.size
    return size
  }

  #remember(key: string, value: V): void {
    if (this.capacity <= 0) return
    if (this.#generations[0]!.size >= this.#generationSize) {
      this.#generations.pop()
      this.#generations.unshift(new Map())
    }
    this.#generations[0]!.set(key, value)
  }
}

const GENERATIONS = 4
