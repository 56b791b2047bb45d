/** @module reconciliation/reconciler — a reconciliation run: compare, record the breaks, heal within policy, assign the rest, and settle heals. */
import type { Clock } from '../clock/clock.ts'
import type { ReconciliationBreak, ReconciliationRun, Store } from '../store/store-contract.ts'
import { compareSides, type CompareStats } from './compare-job.ts'
import { decideHeal, type HealPolicy } from './heal-policy.ts'
import type { ReconciliationSide } from './reconciliation-port.ts'
import type { ToleranceRule } from './tolerance-rules.ts'

/**
 * Repairs go through the engine, never straight to the target, so a repair is a delivery like any
 * other: governed, idempotent, read-before-retry, and in the sync ledger once per key.
 */
export interface HealPort {
  /**
   * Starts the repair of `found` and returns the engine run that does it (the heal ref). Must be
   * idempotent per break id: a second call for the same break starts nothing new.
   */
  heal(found: ReconciliationBreak, signal: AbortSignal): Promise<string>
  /** Tells the owner of a break the hub will not heal (e.g. opens an approval task). Optional. */
  assign?(found: ReconciliationBreak, assignee: string, signal: AbortSignal): Promise<void>
}

export interface ReconcileOptions {
  store: Store
  tenantId: string
  clock: Clock
  domain: string
  source: ReconciliationSide
  target: ReconciliationSide
  tolerance: readonly ToleranceRule[]
  policy: HealPolicy
  heal: HealPort
  pageSize?: number
  signal?: AbortSignal
  /**
   * A run already opened for this compare (e.g. by `reconciliationRunBegin`, which refuses a
   * second run of the domain); without one, a run is opened here.
   */
  run?: ReconciliationRun
}

export interface ReconcileOutcome {
  run: ReconciliationRun
  stats: CompareStats
  breaks: ReconciliationBreak[]
  healing: number
  assigned: number
}

export async function reconcile(options: ReconcileOptions): Promise<ReconcileOutcome> {
  const { store, tenantId, clock, source, target, policy } = options
  const signal = options.signal ?? new AbortController().signal
  const started =
    options.run ??
    (await store.reconciliationRunStart({
      tenantId,
      domain: options.domain,
      source: source.system,
      target: target.system,
      now: clock.now(),
    }))
  let compared
  try {
    compared = await compareSides({
      source,
      target,
      tolerance: options.tolerance,
      signal,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    })
  } catch (error) {
    await store.reconciliationRunFinish({
      tenantId,
      runId: started.id,
      state: 'failed',
      stats: { error: error instanceof Error ? error.message : String(error) },
      now: clock.now(),
    })
    throw error
  }
  const recorded = await store.reconciliationBreakAdd({
    tenantId,
    runId: started.id,
    breaks: compared.breaks,
    now: clock.now(),
  })
  let healing = 0
  let assigned = 0
  const breaks: ReconciliationBreak[] = []
  let healFailures = 0
  const assign = async (found: ReconciliationBreak, note: string) => {
    await options.heal.assign?.(found, policy.assignee, signal)
    assigned += 1
    return store.reconciliationBreakMove({
      tenantId,
      breakId: found.id,
      from: 'open',
      to: 'assigned',
      assignee: policy.assignee,
      note,
      now: clock.now(),
    })
  }
  for (const found of recorded) {
    if (decideHeal(policy, found) !== 'heal') {
      breaks.push((await assign(found, 'outside the auto-heal policy')) ?? found)
      continue
    }
    let healRef: string
    try {
      healRef = await options.heal.heal(found, signal)
    } catch (error) {
      // A heal that cannot even start must not leave its break open and unowned.
      healFailures += 1
      const reason = error instanceof Error ? error.message : String(error)
      breaks.push((await assign(found, `heal could not start: ${reason}`)) ?? found)
      continue
    }
    const moved = await store.reconciliationBreakMove({
      tenantId,
      breakId: found.id,
      from: 'open',
      to: 'healing',
      healRef,
      now: clock.now(),
    })
    healing += 1
    breaks.push(moved ?? found)
  }
  const run = await store.reconciliationRunFinish({
    tenantId,
    runId: started.id,
    state: 'finished',
    stats: { ...compared.stats, healing, assigned, healFailures },
    now: clock.now(),
  })
  return { run: run ?? started, stats: compared.stats, breaks, healing, assigned }
}

/**
 * Moves each `healing` break on by its heal's engine run: completed → `healed`; dead or
 * compensated → `assigned` to the policy's owner (the repair itself needs a person). Returns how
 * many moved.
 */
export async function settleHeals(options: {
  store: Store
  tenantId: string
  clock: Clock
  policy: Pick<HealPolicy, 'assignee'>
  limit?: number
  /** Only this domain's breaks (each domain's failed heals go to its own owner). Default: all. */
  domain?: string
}): Promise<{ healed: number; assigned: number; pending: number }> {
  const { store, tenantId, clock } = options
  const healing = await store.reconciliationBreakList({
    tenantId,
    state: 'healing',
    limit: options.limit ?? 10_000,
  })
  const counts = { healed: 0, assigned: 0, pending: 0 }
  for (const found of healing) {
    if (options.domain !== undefined && found.domain !== options.domain) continue
    const run =
      found.healRef === null ? undefined : await store.runGet({ tenantId, runId: found.healRef })
    const state = run?.state
    if (state === 'completed') {
      await store.reconciliationBreakMove({
        tenantId,
        breakId: found.id,
        from: 'healing',
        to: 'healed',
        now: clock.now(),
      })
      counts.healed += 1
    } else if (state === 'dead' || state === 'compensated' || run === undefined) {
      await store.reconciliationBreakMove({
        tenantId,
        breakId: found.id,
        from: 'healing',
        to: 'assigned',
        assignee: options.policy.assignee,
        note: run === undefined ? 'heal run not found' : `heal run ended ${state}`,
        now: clock.now(),
      })
      counts.assigned += 1
    } else {
      counts.pending += 1
    }
  }
  return counts
}
