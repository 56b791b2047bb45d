/** @module server/hub-reconciliation — reconciliation jobs bound to the hub by policy: run on a timer and on an operator's request, one run per domain at a time across hub processes, heals settled as the engine finishes them. */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import type { HealPolicy } from '../reconciliation/heal-policy.ts'
import { reconcile, settleHeals, type HealPort } from '../reconciliation/reconciler.ts'
import type { ReconciliationSide } from '../reconciliation/reconciliation-port.ts'
import type { ToleranceRule } from '../reconciliation/tolerance-rules.ts'
import {
  BREAK_STATES,
  type AuditActor,
  type BreakState,
  type ReconciliationRun,
} from '../store/store-contract.ts'
import type { HubConfig } from './hub-config.ts'
import type { ResolvedConnections } from './hub-connections.ts'

/**
 * A run still `running` after this long was abandoned by a hub that died mid-compare. Far above
 * a compare's real length (campaign test 10: ≤ 5 min for 10,000 orders), so a slow run is never
 * taken for a dead one and overlapped.
 */
const STALE_RUN_MS = 30 * 60_000
/** How often breaks being healed are checked against their heal runs. */
const DEFAULT_SETTLE_EVERY_MS = 2_000

/** One compare of a domain: a golden source against one target system, and how to repair it. */
export interface ReconciliationLeg {
  source: ReconciliationSide
  target: ReconciliationSide
  heal: HealPort
}

/** One domain's reconciliation as the hub runs it: what to compare and how to repair. */
/** What the composition root hands each domain's job builder. */
export interface ReconciliationJobContext {
  config: HubConfig
  connections: ResolvedConnections
  engine: HubEngine
  clock: Clock
  sharedTokens?: SharedTokenStore
}

export interface ReconciliationJob {
  domain: string
  /**
   * The compares of one run, one per target system (inventory: NetSuite, then Shopify). Made
   * afresh per run: a side may hold what it read (the 3PL's snapshot) for its one compare.
   */
  legs(): readonly ReconciliationLeg[]
  /** Differences within these are not breaks; default exact. */
  tolerance?: readonly ToleranceRule[]
  policy: HealPolicy
  /** Between scheduled runs; undefined: on request only. */
  everyMs: number | undefined
  pageSize?: number
}

export type ReconciliationStartOutcome =
  | { outcome: 'started' | 'running' | 'recent'; run: ReconciliationRun }
  | { outcome: 'unknown_domain' }

export interface ReconciliationRunView {
  run: ReconciliationRun
  /** The run's breaks by state now. */
  breaks: Record<BreakState, number>
}

export interface HubReconciliation {
  readonly domains: readonly string[]
  /** Begins a run of `domain` unless one is running; the compare goes on in the background. */
  start(domain: string, audit: AuditActor): Promise<ReconciliationStartOutcome>
  get(runId: string): Promise<ReconciliationRunView | null>
  stop(): Promise<void>
}

export function startHubReconciliation(parts: {
  engine: HubEngine
  jobs: readonly ReconciliationJob[]
  logger: Logger
  settleEveryMs?: number
}): HubReconciliation {
  const { engine, logger } = parts
  const { store, tenantId, clock } = engine
  const jobs = new Map(parts.jobs.map((j) => [j.domain, j]))
  const stopping = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const timers: NodeJS.Timeout[] = []

  /** The legs one after another, each on its own run; one failing leaves the others to run. */
  const execute = async (
    job: ReconciliationJob,
    legs: readonly { leg: ReconciliationLeg; run: ReconciliationRun }[],
  ): Promise<void> => {
    for (const { leg, run } of legs) {
      try {
        const outcome = await reconcile({
          store,
          tenantId,
          clock,
          domain: job.domain,
          ...leg,
          tolerance: job.tolerance ?? [],
          policy: job.policy,
          run,
          signal: stopping.signal,
          ...(job.pageSize === undefined ? {} : { pageSize: job.pageSize }),
        })
        logger.info(
          { domain: job.domain, runId: run.id, stats: outcome.run.stats },
          'reconciliation run finished',
        )
      } catch (error) {
        // reconcile() has marked the run failed with the error; the next run starts afresh.
        logger.error({ err: error, domain: job.domain, runId: run.id }, 'reconciliation run failed')
      }
    }
  }

  const start = async (
    domain: string,
    audit: AuditActor,
    notWithinMs?: number,
  ): Promise<ReconciliationStartOutcome> => {
    const job = jobs.get(domain)
    if (job === undefined) return { outcome: 'unknown_domain' }
    const [first, ...others] = job.legs()
    if (first === undefined) throw new Error(`the ${domain} reconciliation has nothing to compare`)
    const begun = await store.reconciliationRunBegin({
      tenantId,
      domain,
      source: first.source.system,
      target: first.target.system,
      now: clock.now(),
      staleAfterMs: STALE_RUN_MS,
      ...(notWithinMs === undefined ? {} : { notWithinMs }),
    })
    if (!begun.started) return { outcome: begun.reason, run: begun.run }
    // The other targets' runs are opened now, while the first holds the domain: one of them
    // running keeps the domain locked until the last compare is done.
    const legs = [{ leg: first, run: begun.run }]
    try {
      for (const leg of others) {
        const run = await store.reconciliationRunStart({
          tenantId,
          domain,
          source: leg.source.system,
          target: leg.target.system,
          now: clock.now(),
        })
        legs.push({ leg, run })
      }
    } catch (error) {
      // Not left running: that would hold the domain until the stale limit.
      const stats = {
        error: `not started: ${error instanceof Error ? error.message : String(error)}`,
      }
      for (const { run } of legs) {
        await store.reconciliationRunFinish({
          tenantId,
          runId: run.id,
          state: 'failed',
          stats,
          now: clock.now(),
        })
      }
      throw error
    }
    for (const { leg, run } of legs) {
      await store.auditAppend({
        tenantId,
        at: clock.now(),
        ...audit,
        action: 'reconciliation.run.start',
        subject: { runId: run.id, domain },
        outcome: 'started',
        details: { source: leg.source.system, target: leg.target.system },
      })
    }
    const work = execute(job, legs)
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
    return { outcome: 'started', run: begun.run }
  }

  for (const job of jobs.values()) {
    if (job.everyMs === undefined) continue
    const everyMs = job.everyMs
    const timer = setInterval(() => {
      // Every hub process keeps the schedule; the store lets one run per period through.
      start(
        job.domain,
        { actor: 'system:reconciliation-schedule', interactionId: null },
        everyMs / 2,
      ).catch((error: unknown) =>
        logger.warn({ err: error, domain: job.domain }, 'scheduled reconciliation not started'),
      )
    }, everyMs)
    timer.unref()
    timers.push(timer)
  }

  let settling = false
  const settle = setInterval(() => {
    if (settling) return
    settling = true
    void (async () => {
      for (const job of jobs.values()) {
        await settleHeals({ store, tenantId, clock, policy: job.policy, domain: job.domain })
      }
    })()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'settling reconciliation heals failed'),
      )
      .finally(() => {
        settling = false
      })
  }, parts.settleEveryMs ?? DEFAULT_SETTLE_EVERY_MS)
  settle.unref()
  timers.push(settle)

  return {
    domains: [...jobs.keys()],
    start: (domain, audit) => start(domain, audit),
    async get(runId) {
      const run = await store.reconciliationRunGet({ tenantId, runId })
      if (run === null) return null
      const breaks = Object.fromEntries(BREAK_STATES.map((s) => [s, 0])) as Record<
        BreakState,
        number
      >
      for (let beforeId: string | undefined; ;) {
        const page = await store.reconciliationBreakList({
          tenantId,
          runId,
          limit: 1_000,
          ...(beforeId === undefined ? {} : { beforeId }),
        })
        for (const b of page) breaks[b.state] += 1
        const last = page.at(-1)
        if (page.length < 1_000 || last === undefined) break
        beforeId = last.id
      }
      return { run, breaks }
    },
    async stop() {
      for (const timer of timers) clearInterval(timer)
      stopping.abort(new Error('the hub is stopping'))
      await Promise.allSettled([...inFlight])
    },
  }
}
