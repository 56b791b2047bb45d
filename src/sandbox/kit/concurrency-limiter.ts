/** @module sandbox/kit/concurrency-limiter — a counting semaphore, so a burst of outbound work (thousands of webhooks) shares a few sockets. */

export class ConcurrencyLimiter {
  readonly #limit: number
  #active = 0
  #waiting: (() => void)[] = []

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError('concurrency limit must be a positive integer')
    }
    this.#limit = limit
  }

  /** Runs `work` once a slot is free; slots are handed over in arrival order. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active < this.#limit) this.#active += 1
    else await new Promise<void>((resolve) => this.#waiting.push(resolve))
    try {
      return await work()
    } finally {
      const next = this.#waiting.shift()
      // The slot passes straight to the next waiter, so #active stays counted for it.
      if (next) next()
      else this.#active -= 1
    }
  }
}
