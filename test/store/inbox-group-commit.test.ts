// The group-commit batcher on its own: how it forms batches, and how one refused message is kept
// from failing the others. The real statement is covered by the store conformance suite.
import { describe, expect, it } from 'vitest'
import {
  createInboxGroupCommit,
  type InboxGroupCommit,
  type InboxGroupCommitOptions,
} from '../../src/store-sql/statement-group-commit.ts'
import type { InboxIngestParams, InboxIngestResult } from '../../src/store/store-contract.ts'

const message = (id: string, payload = '{}'): InboxIngestParams => ({
  tenantId: 't',
  sourceSystem: 'shopify',
  sourceMessageId: id,
  connection: 'c',
  topic: 'orders/create',
  payload,
  headers: {},
  receivedAt: 0,
  triggeredAt: null,
  runs: [],
})

function recordingCommit(refuse = new Set<string>(), unavailable = false) {
  const batches: string[][] = []
  let release: () => void = () => undefined
  let gate = Promise.resolve()
  return {
    batches,
    hold() {
      gate = new Promise((r) => (release = r))
    },
    release: () => release(),
    commit: async (batch: readonly InboxIngestParams[]): Promise<InboxIngestResult[]> => {
      batches.push(batch.map((p) => p.sourceMessageId))
      await gate
      if (unavailable) throw Object.assign(new Error('down'), { unavailable: true })
      if (batch.some((p) => refuse.has(p.sourceMessageId))) throw new Error('22P02 refused')
      return batch.map((p) => ({ inserted: true, inboxId: `id-${p.sourceMessageId}`, runIds: [] }))
    },
  }
}

/** A batcher over `target`: one batch in flight, roomy caps, unless a test says otherwise. */
function groupOver(
  target: ReturnType<typeof recordingCommit>,
  options: Partial<Omit<InboxGroupCommitOptions, 'commit'>> = {},
): InboxGroupCommit {
  return createInboxGroupCommit({
    commit: target.commit,
    maxInFlight: 1,
    maxBatch: 10,
    maxBatchBytes: 1_000_000,
    failsWholeBatch: () => true,
    ...options,
  })
}

describe('inbox group commit', () => {
  it('sends at once when idle, and batches what arrives while commits are in flight', async () => {
    const target = recordingCommit()
    const group = groupOver(target)
    target.hold()
    const first = group.ingest(message('a'))
    const rest = Array.from({ length: 25 }, (_, i) => group.ingest(message(`m${i}`)))
    expect(target.batches).toEqual([['a']])
    target.release()
    const results = await Promise.all([first, ...rest])
    expect(results.map((r) => r.inboxId)).toEqual([
      'id-a',
      ...Array.from({ length: 25 }, (_, i) => `id-m${i}`),
    ])
    // The 25 waiting ones went in batches of at most 10, in arrival order.
    expect(target.batches.slice(1).map((b) => b.length)).toEqual([10, 10, 5])
    expect(target.batches.flat()).toEqual(['a', ...Array.from({ length: 25 }, (_, i) => `m${i}`)])
  })

  it('caps a batch by payload bytes but always sends a lone large message', async () => {
    const target = recordingCommit()
    const group = groupOver(target, { maxBatch: 100, maxBatchBytes: 10 })
    target.hold()
    const pending = [
      group.ingest(message('first')),
      group.ingest(message('big', 'x'.repeat(50))),
      group.ingest(message('s1', '12345')),
      group.ingest(message('s2', '12345')),
      group.ingest(message('s3', '1')),
    ]
    target.release()
    await Promise.all(pending)
    expect(target.batches).toEqual([['first'], ['big'], ['s1', 's2'], ['s3']])
  })

  it('retries a refused batch message by message, so only the refused one fails', async () => {
    const target = recordingCommit(new Set(['bad']))
    const group = groupOver(target, { failsWholeBatch: () => false })
    target.hold()
    const first = group.ingest(message('first'))
    const outcomes = Promise.allSettled(['x', 'bad', 'y'].map((id) => group.ingest(message(id))))
    target.release()
    await first
    const [x, bad, y] = await outcomes
    expect(x).toMatchObject({ status: 'fulfilled', value: { inboxId: 'id-x' } })
    expect(bad).toMatchObject({ status: 'rejected' })
    expect(y).toMatchObject({ status: 'fulfilled', value: { inboxId: 'id-y' } })
  })

  it('fails every message of a batch at once when the store is unavailable', async () => {
    const target = recordingCommit(new Set(), true)
    const group = groupOver(target, {
      maxInFlight: 2,
      failsWholeBatch: (error) => (error as { unavailable?: boolean }).unavailable === true,
    })
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((id) => group.ingest(message(id))),
    )
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true)
    // Not retried one by one: an unavailable store would refuse each of them too.
    expect(target.batches.flat()).toHaveLength(3)
  })

  it('drops a queued message whose caller gave up, and commits the rest', async () => {
    const target = recordingCommit()
    const group = groupOver(target)
    target.hold()
    const first = group.ingest(message('first'))
    const gaveUp = new AbortController()
    const abandoned = group.ingest(message('late'), gaveUp.signal)
    const kept = group.ingest(message('kept'), new AbortController().signal)
    gaveUp.abort(new Error('answered 503 at the deadline'))
    await expect(abandoned).rejects.toThrow('answered 503 at the deadline')
    // Already aborted: never queued.
    await expect(group.ingest(message('after'), gaveUp.signal)).rejects.toThrow('answered 503')
    target.release()
    await first
    expect((await kept).inboxId).toBe('id-kept')
    expect(target.batches).toEqual([['first'], ['kept']])
  })

  it('commits a message already sent even if its caller gives up meanwhile', async () => {
    const target = recordingCommit()
    const group = groupOver(target)
    target.hold()
    const gaveUp = new AbortController()
    const sent = group.ingest(message('sent'), gaveUp.signal)
    gaveUp.abort(new Error('too late to take back'))
    target.release()
    // The statement was on its way: its outcome is the database's, reported to whoever waits.
    expect((await sent).inboxId).toBe('id-sent')
    expect(target.batches).toEqual([['sent']])
  })

  it('with gatherTurn, writes that arrive in one event-loop turn share a batch even when the store is idle', async () => {
    // An in-thread store (PGlite) runs a statement synchronously: without the turn, the first
    // write of a burst would be sent alone before the others' callbacks had run.
    const arrive = (group: InboxGroupCommit, ids: string[]): Promise<InboxIngestResult[]> =>
      Promise.all(
        ids.map(
          (id) =>
            new Promise<InboxIngestResult>((resolve, reject) => {
              // Each write from its own macrotask, as each socket's data is its own callback.
              setImmediate(() => {
                group.ingest(message(id)).then(resolve, reject)
              })
            }),
        ),
      )
    const eager = recordingCommit()
    await arrive(groupOver(eager), ['a', 'b', 'c', 'd'])
    // Each commit (already resolved, as PGlite's synchronous statement is) ends before the next
    // write's callback runs: four batches of one.
    expect(eager.batches).toEqual([['a'], ['b'], ['c'], ['d']])

    const gathering = recordingCommit()
    const group = groupOver(gathering, { gatherTurn: true })
    const results = await arrive(group, ['a', 'b', 'c', 'd'])
    expect(results.map((r) => r.inboxId)).toEqual(['id-a', 'id-b', 'id-c', 'id-d'])
    expect(gathering.batches).toEqual([['a', 'b', 'c', 'd']])
    // A lone write is still sent within a turn, and what arrives during a commit is the next batch.
    gathering.hold()
    const lone = group.ingest(message('e'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(gathering.batches.at(-1)).toEqual(['e'])
    const during = arrive(group, ['f', 'g'])
    await new Promise((resolve) => setTimeout(resolve, 5))
    gathering.release()
    await Promise.all([lone, during])
    expect(gathering.batches.slice(-2)).toEqual([['e'], ['f', 'g']])
  })
})
