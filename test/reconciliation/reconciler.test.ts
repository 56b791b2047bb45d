// A reconciliation run on a real store with sides that keep the port's contract: breaks recorded, healed within policy, assigned outside it or when a heal cannot start, and settled by their heal run.
import { expect, it } from 'vitest'
import { digestOf } from '../../src/reconciliation/field-hash.ts'
import { HealPolicy } from '../../src/reconciliation/heal-policy.ts'
import type {
  ReconciliationSide,
  ReconRecord,
} from '../../src/reconciliation/reconciliation-port.ts'
import { reconcile, settleHeals, type HealPort } from '../../src/reconciliation/reconciler.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const pgUrl = await postgresForTests('reconciler')

function side(system: string, records: ReconRecord[]): ReconciliationSide {
  return {
    system,
    maxPageSize: 3,
    count: () => Promise.resolve(records.length),
    async *digests(pageSize) {
      for (let i = 0; i < records.length; i += pageSize) {
        await Promise.resolve()
        yield records.slice(i, i + pageSize).map(digestOf)
      }
    },
    fetch: (keys) => Promise.resolve(records.filter((r) => keys.includes(r.key))),
  }
}
const level = (key: string, onHand: number): ReconRecord => ({ key, fields: { onHand } })

describeOnStores('reconciler', pgUrl, (bench) => {
  it('heals within policy, assigns the rest, and settles heals by their runs', async () => {
    const b = bench()
    const started: string[] = []
    // Heals here start no engine run: "run 999999" does not exist, so settling reassigns them.
    const heal: HealPort = {
      heal(found) {
        if (found.entityKey === 'C') return Promise.reject(new Error('inbox unavailable'))
        started.push(found.entityKey)
        return Promise.resolve('999999')
      },
    }
    const outcome = await reconcile({
      store: b.store,
      tenantId: b.tenantId,
      clock: b.clock,
      domain: 'inventory',
      source: side('gold', [level('A', 1), level('B', 2), level('C', 3), level('D', 4)]),
      target: side('erp', [level('A', 1), level('B', 9), level('C', 30), level('D', 4000)]),
      tolerance: [],
      policy: HealPolicy.parse({ assignee: 'ops', maxAutoHealDiff: 100 }),
      heal,
    })
    expect(started).toEqual(['B'])
    expect(outcome.breaks.map((x) => [x.entityKey, x.state, x.assignee, x.note])).toEqual([
      ['B', 'healing', null, null],
      ['C', 'assigned', 'ops', 'heal could not start: inbox unavailable'],
      ['D', 'assigned', 'ops', 'outside the auto-heal policy'],
    ])
    expect(outcome.run).toMatchObject({
      state: 'finished',
      stats: { healing: 1, assigned: 2, healFailures: 1, hashMismatches: 3 },
    })
    expect(
      await settleHeals({
        store: b.store,
        tenantId: b.tenantId,
        clock: b.clock,
        policy: { assignee: 'ops' },
      }),
    ).toEqual({ healed: 0, assigned: 1, pending: 0 })
    const [b1] = await b.store.reconciliationBreakList({
      tenantId: b.tenantId,
      runId: outcome.run.id,
      limit: 1,
    })
    expect(b1).toMatchObject({ entityKey: 'D', state: 'assigned' })
    const all = await b.store.reconciliationBreakList({ tenantId: b.tenantId, limit: 10 })
    expect(all.find((x) => x.entityKey === 'B')).toMatchObject({
      state: 'assigned',
      note: 'heal run not found',
    })
  })

  it('marks the run failed when a side cannot be read', async () => {
    const b = bench()
    const broken: ReconciliationSide = {
      ...side('erp', []),
      count: () => Promise.reject(new Error('ERP unreachable')),
    }
    await expect(
      reconcile({
        store: b.store,
        tenantId: b.tenantId,
        clock: b.clock,
        domain: 'inventory',
        source: side('gold', [level('A', 1)]),
        target: broken,
        tolerance: [],
        policy: HealPolicy.parse({ assignee: 'ops' }),
        heal: { heal: () => Promise.resolve('1') },
      }),
    ).rejects.toThrow('ERP unreachable')
    expect(await b.store.reconciliationBreakList({ tenantId: b.tenantId, limit: 10 })).toEqual([])
  })
})
