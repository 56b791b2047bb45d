/** @module engine/concurrency-governor — at most N calls in flight to one target account.
 *
 * Keyed by the target's account (e.g. `netsuite:TSTDRV1`), not by flow, because the vendor's limit
 * is account-wide: every flow that calls the same account shares the same slots.
 */

export class ConcurrencyGovernor {
  #limit: number
  #inFlight = 0
  readonly #waiters: Array<() => void> = []

  constructor(limit: number) {
    this.#limit = Math.max(1, limit)
  }

  get limit(): number {
    return this.#limit
  }

  get inFlight(): number {
    return this.#inFlight
  }

  /** Lowers or raises the limit, e.g. after reading the account's governance limits. */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, limit)
    this.#drain()
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted()
    if (this.#inFlight < this.#limit) {
      this.#inFlight += 1
      return this.#releaser()
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(grant)
        if (index >= 0) this.#waiters.splice(index, 1)
        reject(signal?.reason as Error)
      }
      this.#waiters.push(grant)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    return this.#releaser()
  }

  #releaser(): () => void {
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight -= 1
      this.#drain()
    }
  }

  #drain(): void {
    while (this.#inFlight < this.#limit && this.#waiters.length > 0) {
      const next = this.#waiters.shift()
      this.#inFlight += 1
      next?.()
    }
  }
}
