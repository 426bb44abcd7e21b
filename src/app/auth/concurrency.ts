/**
 * At most `maxRunning` tasks at once, and at most `maxWaiting` more waiting in line (first come, first
 * served); anything beyond is refused at once, without waiting and without running.
 */
export class ConcurrencyLimit {
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(
    readonly maxRunning: number,
    readonly maxWaiting: number,
  ) {
    if (!Number.isInteger(maxRunning) || maxRunning < 1) throw new RangeError('ConcurrencyLimit: maxRunning must be a whole number from 1')
    if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new RangeError('ConcurrencyLimit: maxWaiting must be a whole number from 0')
  }

  /**
   * A place, decided now: a promise of the slot (resolved at once when one is free, else when those
   * ahead have finished), whose value releases it; or undefined when every slot and place in line is taken.
   */
  enter(): Promise<() => void> | undefined {
    if (this.#running < this.maxRunning) {
      this.#running++
      return Promise.resolve(this.#release())
    }
    if (this.#waiting.length >= this.maxWaiting) return undefined
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#release())))
  }

  get running(): number {
    return this.#running
  }

  get waiting(): number {
    return this.#waiting.length
  }

  /** Releases once: the slot passes straight to the first in line, or becomes free. */
  #release(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.shift()
      if (next === undefined) this.#running--
      else next()
    }
  }
}
