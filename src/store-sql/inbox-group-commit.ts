/** @module store-sql/inbox-group-commit — many concurrent ingests share one commit.
 *
 * Group commit, as databases do for their own log: an ingest arriving while `maxInFlight` batches
 * are already committing waits for the next batch instead of taking a connection of its own, so
 * under load N webhooks cost one statement and one WAL flush, and at low load an ingest is sent at
 * once (a batch of one: no added latency). Each caller resolves only after its batch committed,
 * so "acknowledged means committed" holds message by message. A caller that gives up while its
 * message is still queued (its webhook was answered 503) takes it out of the queue: under a burst
 * the store commits only what someone is still waiting for.
 */
import type { InboxIngestParams, InboxIngestResult } from '../store/store-contract.ts'

export interface InboxGroupCommitOptions {
  /** Commits the batch in one transaction; results follow the batch's order. */
  commit: (batch: readonly InboxIngestParams[]) => Promise<InboxIngestResult[]>
  /** Batches committing at once; more would only queue on the pool's connections. */
  maxInFlight: number
  /** Messages per batch. */
  maxBatch: number
  /** Payload bytes per batch (a batch over it is still sent when it holds one message). */
  maxBatchBytes: number
  /**
   * Whether a failed batch's error is the batch's fault rather than one message's: then every
   * caller gets it. Otherwise the messages are committed one by one, so one message the database
   * refuses does not fail the webhooks that shared its batch.
   */
  failsWholeBatch: (error: unknown) => boolean
}

interface Pending {
  params: InboxIngestParams
  bytes: number
  resolve: (result: InboxIngestResult) => void
  reject: (error: unknown) => void
  /** Stops listening for the caller giving up, once the message has left the queue. */
  detach: () => void
}

export interface InboxGroupCommit {
  /** Rejects with `signal`'s reason, uncommitted, when it aborts before the message is sent. */
  ingest(params: InboxIngestParams, signal?: AbortSignal): Promise<InboxIngestResult>
}

export function createInboxGroupCommit(options: InboxGroupCommitOptions): InboxGroupCommit {
  const queue: Pending[] = []
  let inFlight = 0

  const take = (): Pending[] => {
    const batch: Pending[] = []
    let bytes = 0
    while (queue.length > 0 && batch.length < options.maxBatch) {
      const next = queue[0]
      if (next === undefined) break
      if (batch.length > 0 && bytes + next.bytes > options.maxBatchBytes) break
      queue.shift()
      next.detach()
      batch.push(next)
      bytes += next.bytes
    }
    return batch
  }

  const settle = async (batch: Pending[]): Promise<void> => {
    try {
      const results = await options.commit(batch.map((p) => p.params))
      batch.forEach((p, i) => {
        const result = results[i]
        if (result === undefined) p.reject(new Error('the inbox batch returned too few results'))
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
            if (result === undefined) throw new Error('the inbox batch returned no result')
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
        pump()
      })
    }
  }

  return {
    ingest(params, signal) {
      return new Promise<InboxIngestResult>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason as Error)
          return
        }
        const pending: Pending = {
          params,
          bytes: Buffer.byteLength(params.payload),
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
        pump()
      })
    },
  }
}
