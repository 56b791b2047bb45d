/** @module store-sql/statement-group-commit — many concurrent writes of one kind share one commit.
 *
 * Group commit, as databases do for their own log: a write arriving while `maxInFlight` batches
 * are already committing waits for the next batch instead of taking a connection of its own, so
 * under load N writes cost one statement and one WAL flush, and at low load a write is sent at
 * once (a batch of one: no added latency). Each caller resolves only after its batch committed,
 * so "acknowledged means committed" holds write by write (ingest: message by message; run
 * completions: run by run). A caller that gives up while its write is still queued (its webhook
 * was answered 503) takes it out of the queue: under a burst the store commits only what someone
 * is still waiting for.
 */
import type { InboxIngestParams, InboxIngestResult } from '../store/store-contract.ts'

export interface GroupCommitOptions<P, R> {
  /** Commits the batch in one transaction; results follow the batch's order. */
  commit: (batch: readonly P[]) => Promise<R[]>
  /** A write's size toward `maxBatchBytes`; every write counts 0 without it. */
  bytesOf?: (params: P) => number
  /** Batches committing at once; more would only queue on the pool's connections. */
  maxInFlight: number
  /** Writes per batch. */
  maxBatch: number
  /** Payload bytes per batch (a batch over it is still sent when it holds one write). */
  maxBatchBytes?: number
  /**
   * Whether a failed batch's error is the batch's fault rather than one message's: then every
   * caller gets it. Otherwise the writes are committed one by one, so one write the database
   * refuses does not fail the callers that shared its batch.
   */
  failsWholeBatch: (error: unknown) => boolean
  /**
   * Send a batch only once the event loop has handled the I/O that is ready now (`setImmediate`)
   * rather than from the microtask of the write that found the store idle. For a store that runs
   * in this thread (PGlite: each statement is synchronous WebAssembly), the first write would
   * otherwise start its statement before the next socket's data is even read, so every batch held
   * one write however busy the hub; with a network store the round trip does the gathering.
   */
  gatherTurn?: boolean
}

interface Pending<P, R> {
  params: P
  bytes: number
  resolve: (result: R) => void
  reject: (error: unknown) => void
  /** Stops listening for the caller giving up, once the message has left the queue. */
  detach: () => void
}

export interface GroupCommit<P, R> {
  /** Rejects with `signal`'s reason, uncommitted, when it aborts before the write is sent. */
  submit(params: P, signal?: AbortSignal): Promise<R>
}

export type InboxGroupCommitOptions = Omit<
  GroupCommitOptions<InboxIngestParams, InboxIngestResult>,
  'bytesOf'
>

export interface InboxGroupCommit {
  /** Rejects with `signal`'s reason, uncommitted, when it aborts before the message is sent. */
  ingest(params: InboxIngestParams, signal?: AbortSignal): Promise<InboxIngestResult>
}

/** Ingest's group commit: a batch is bounded by its messages' payload bytes too. */
export function createInboxGroupCommit(options: InboxGroupCommitOptions): InboxGroupCommit {
  const group = createGroupCommit({ ...options, bytesOf: (p) => Buffer.byteLength(p.payload) })
  return { ingest: (params, signal) => group.submit(params, signal) }
}

export function createGroupCommit<P, R>(options: GroupCommitOptions<P, R>): GroupCommit<P, R> {
  const queue: Array<Pending<P, R>> = []
  const maxBatchBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY
  let inFlight = 0

  const take = (): Array<Pending<P, R>> => {
    const batch: Array<Pending<P, R>> = []
    let bytes = 0
    while (queue.length > 0 && batch.length < options.maxBatch) {
      const next = queue[0]
      if (next === undefined) break
      if (batch.length > 0 && bytes + next.bytes > maxBatchBytes) break
      queue.shift()
      next.detach()
      batch.push(next)
      bytes += next.bytes
    }
    return batch
  }

  const settle = async (batch: Array<Pending<P, R>>): Promise<void> => {
    try {
      const results = await options.commit(batch.map((p) => p.params))
      batch.forEach((p, i) => {
        const result = results[i]
        if (result === undefined) p.reject(new Error('the batch returned too few results'))
        else p.resolve(result)
      })
    } catch (error) {
      if (batch.length === 1 || options.failsWholeBatch(error)) {
        for (const p of batch) p.reject(error)
        return
      }
      // One by one: each message gets its own outcome.
      await Promise.all(
        batch.map(async (p) => {
          try {
            const [result] = await options.commit([p.params])
            if (result === undefined) throw new Error('the batch returned no result')
            p.resolve(result)
          } catch (single) {
            p.reject(single)
          }
        }),
      )
    }
  }

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = take()
      inFlight += 1
      void settle(batch).finally(() => {
        inFlight -= 1
        schedule()
      })
    }
  }

  let scheduled = false
  const schedule = (): void => {
    if (options.gatherTurn !== true) {
      pump()
      return
    }
    if (scheduled) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      pump()
    })
  }

  return {
    submit(params, signal) {
      return new Promise<R>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason as Error)
          return
        }
        const pending: Pending<P, R> = {
          params,
          bytes: options.bytesOf?.(params) ?? 0,
          resolve,
          reject,
          detach: () => signal?.removeEventListener('abort', onAbort),
        }
        const onAbort = (): void => {
          const at = queue.indexOf(pending)
          if (at < 0) return
          queue.splice(at, 1)
          reject(signal?.reason as Error)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        queue.push(pending)
        schedule()
      })
    },
  }
}
