// Proves the store fault injector fails calls at the seeded rate, both before and after the real
// call commits, reproducibly, and leaves lifecycle calls alone.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withStoreFaults } from '../../../src/reliability/store-faults/faulty-store.ts'
import { createEmbeddedStore } from '../../../src/store-embedded/embedded-store.ts'
import type { Store } from '../../../src/store/store-contract.ts'

describe('store fault injector', () => {
  let dir: string
  let store: Store
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syncline-faulty-'))
    store = await createEmbeddedStore({ dataDir: dir })
    await store.migrate()
  })
  afterAll(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  const ingest = (s: Store, i: number, tenantId: string) =>
    s.inboxIngest({
      tenantId,
      sourceSystem: 'shopify',
      sourceMessageId: `m-${i}`,
      connection: 'demo',
      topic: 'orders/create',
      payload: '{}',
      headers: {},
      receivedAt: 1_000,
      triggeredAt: null,
      runs: [{ flowName: 'f', businessKey: `k-${i}` }],
    })

  it('fails about `rate` of the calls, half of them after the write committed', async () => {
    const { store: faulty, stats } = withStoreFaults(store, { rate: 0.3, seed: 7 })
    let failed = 0
    for (let i = 0; i < 200; i++) {
      await ingest(faulty, i, 'rate').catch(() => (failed += 1))
    }
    const total = Object.values(stats.injected).reduce((a, b) => a + b, 0)
    expect(total).toBe(failed)
    expect(failed).toBeGreaterThan(40)
    expect(failed).toBeLessThan(80)
    expect(stats.afterCommit).toBeGreaterThan(10)
    // Every message that failed after commit is really stored: the caller saw an error for durable work.
    const stored = (await store.statsGet({ tenantId: 'rate', now: 2_000 })).inboxMessages
    expect(stored).toBe(200 - failed + stats.afterCommit)
  })

  it('is reproducible from its seed and spares lifecycle calls', async () => {
    const outcomes = async (tenantId: string): Promise<string> => {
      const { store: faulty } = withStoreFaults(store, { rate: 0.5, seed: 99 })
      let out = ''
      for (let i = 0; i < 40; i++) {
        out += await ingest(faulty, i, tenantId).then(
          () => '.',
          (e: Error) => ((e as { code?: string }).code ?? e.name).slice(0, 1),
        )
      }
      await faulty.ping()
      return out
    }
    expect(await outcomes('seed-a')).toBe(await outcomes('seed-b'))
  })
})
