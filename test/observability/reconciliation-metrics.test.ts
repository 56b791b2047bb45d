// Reconciliation SLIs on a Prometheus registry, read from a real embedded store: closure ratio, states and breaks by cause after one run with a healed and an assigned break.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { registerReconciliationMetrics } from '../../src/observability/reconciliation-metrics.ts'
import { reconciliationSlis } from '../../src/reconciliation/closure-sli.ts'
import { createEmbeddedStore } from '../../src/store-embedded/embedded-store.ts'
import type { Store } from '../../src/store/store-contract.ts'

let dir: string
let store: Store
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncline-recon-metrics-'))
  store = await createEmbeddedStore({ dataDir: dir })
  await store.migrate()
})
afterAll(async () => {
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

it('exports closure, states, age and breaks by cause from the store', async () => {
  const tenantId = 'metrics-tenant'
  const T = 1_000_000
  const run = await store.reconciliationRunStart({
    tenantId,
    domain: 'inventory',
    source: 'threepl',
    target: 'netsuite',
    now: T,
  })
  const mismatch = (key: string, diff: number) => ({
    entityKey: key,
    breakClass: 'field_mismatch' as const,
    cause: 'mismatch:onHand',
    sourceValue: { onHand: 1 },
    targetValue: { onHand: 1 + diff },
    diff,
  })
  const [a, b] = await store.reconciliationBreakAdd({
    tenantId,
    runId: run.id,
    breaks: [mismatch('A@W', 2), mismatch('B@W', 9000)],
    now: T,
  })
  if (!a || !b) throw new Error('breaks not recorded')
  await store.reconciliationBreakMove({
    tenantId,
    breakId: a.id,
    from: 'open',
    to: 'healing',
    healRef: '1',
    now: T,
  })
  await store.reconciliationBreakMove({
    tenantId,
    breakId: a.id,
    from: 'healing',
    to: 'healed',
    now: T + 1,
  })
  await store.reconciliationBreakMove({
    tenantId,
    breakId: b.id,
    from: 'open',
    to: 'assigned',
    assignee: 'ops',
    now: T,
  })

  const registry = new Registry()
  registerReconciliationMetrics(
    registry,
    () => reconciliationSlis(store, { tenantId, since: T - 1, now: T + 30_000 }),
    { windowMs: 3_600_000 },
  )
  const text = await registry.metrics()
  expect(text).toContain('syncline_reconciliation_window_seconds 3600')
  expect(text).toContain('syncline_reconciliation_closure_ratio 0.5')
  expect(text).toContain('syncline_reconciliation_breaks{state="opened"} 2')
  expect(text).toContain('syncline_reconciliation_breaks{state="unresolved"} 1')
  expect(text).toContain('syncline_reconciliation_oldest_unresolved_seconds 30')
  expect(text).toContain(
    'syncline_reconciliation_breaks_by_cause{target="netsuite",break_class="field_mismatch",cause="mismatch:onHand"} 2',
  )

  const failing = new Registry()
  registerReconciliationMetrics(failing, () => Promise.reject(new Error('store down')), {
    windowMs: 1000,
  })
  const down = await failing.metrics()
  expect(down).toContain('syncline_reconciliation_collect_failures_total 1')
  expect(down).not.toContain('syncline_reconciliation_closure_ratio 1')
})
