/** @module server/hub-reconciliation — reconciliation jobs bound to the hub by policy: run on a timer and on an operator's request, one run per domain at a time across hub processes, heals settled as the engine finishes them. */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { SharedTokenStore } from '../connectors/credentials/shared-token-port.ts'
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import { netsuiteSalesOrderSide } from '../flows/order-to-erp/netsuite-sales-order-side.ts'
import { orderHealPort } from '../flows/order-to-erp/order-heal-port.ts'
import { ORDER_DOMAIN } from '../flows/order-to-erp/order-recon-record.ts'
import { SHOPIFY_ORDER_TO_ERP } from '../flows/order-to-erp/order-to-erp-flow.ts'
import { shopifyOrderSide } from '../flows/order-to-erp/shopify-order-side.ts'
import { SHOPIFY_ORDER_TO_NETSUITE } from '../flows/order-to-erp/shopify-order-to-netsuite-flow.ts'
import type { HealPolicy } from '../reconciliation/heal-policy.ts'
import { reconcile, settleHeals, type HealPort } from '../reconciliation/reconciler.ts'
import type { ReconciliationSide } from '../reconciliation/reconciliation-port.ts'
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

/** One domain's reconciliation as the hub runs it: what to compare and how to repair. */
export interface ReconciliationJob {
  domain: string
  source: ReconciliationSide
  target: ReconciliationSide
  heal: HealPort
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

/**
 * The order domain's job: Shopify's orders (golden for the lines, customer and name the order flow
 * writes) against the sales orders of the NetSuite account the order flow is bound to. Undefined
 * when no order flow goes to NetSuite (SAP has no order compare yet: its sales orders carry no
 * field the order flow could be matched by in bulk).
 */
export function orderReconciliationJob(parts: {
  config: HubConfig
  connections: ResolvedConnections
  engine: HubEngine
  clock: Clock
  sharedTokens?: SharedTokenStore
}): ReconciliationJob | undefined {
  const { config, connections } = parts
  for (const binding of config.flows) {
    const bound =
      binding.flow === 'shopify-order-to-netsuite'
        ? {
            flowName: SHOPIFY_ORDER_TO_NETSUITE,
            shop: binding.shopifyConnection,
            netsuite: binding.netsuiteConnection,
          }
        : binding.flow === 'shopify-order-to-erp' && binding.erp === 'netsuite'
          ? {
              flowName: binding.name ?? SHOPIFY_ORDER_TO_ERP,
              shop: binding.shopifyConnection,
              netsuite: binding.erpConnection,
            }
          : undefined
    if (bound === undefined) continue
    const shop = connections.shopify.get(bound.shop)
    const account = connections.netsuite.get(bound.netsuite)
    if (shop === undefined || account === undefined) continue
    const shopify = new ShopifyAdminClient(shop, { clock: parts.clock })
    // Its own client (reads only, so outside the delivery governor), sharing the account's token.
    const netsuite = new NetSuiteClient(account, {
      clock: parts.clock,
      ...(parts.sharedTokens === undefined ? {} : { sharedTokens: parts.sharedTokens }),
    })
    const policy = config.policies.orderLifecycle.reconciliation
    return {
      domain: ORDER_DOMAIN,
      source: shopifyOrderSide(shopify),
      target: netsuiteSalesOrderSide(netsuite),
      heal: orderHealPort({
        engine: parts.engine,
        shopify,
        connection: bound.shop,
        flowName: bound.flowName,
      }),
      policy: {
        autoHeal: ['missing_in_target', 'field_mismatch'],
        maxAutoHealDiff: null,
        assignee: policy.assignee,
      },
      everyMs: policy.everyMs,
    }
  }
  return undefined
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

  const execute = async (job: ReconciliationJob, run: ReconciliationRun): Promise<void> => {
    try {
      const outcome = await reconcile({
        store,
        tenantId,
        clock,
        domain: job.domain,
        source: job.source,
        target: job.target,
        tolerance: [],
        policy: job.policy,
        heal: job.heal,
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

  const start = async (
    domain: string,
    audit: AuditActor,
    notWithinMs?: number,
  ): Promise<ReconciliationStartOutcome> => {
    const job = jobs.get(domain)
    if (job === undefined) return { outcome: 'unknown_domain' }
    const begun = await store.reconciliationRunBegin({
      tenantId,
      domain,
      source: job.source.system,
      target: job.target.system,
      now: clock.now(),
      staleAfterMs: STALE_RUN_MS,
      ...(notWithinMs === undefined ? {} : { notWithinMs }),
    })
    if (!begun.started) return { outcome: begun.reason, run: begun.run }
    await store.auditAppend({
      tenantId,
      at: clock.now(),
      ...audit,
      action: 'reconciliation.run.start',
      subject: { runId: begun.run.id, domain },
      outcome: 'started',
      details: { source: job.source.system, target: job.target.system },
    })
    const work = execute(job, begun.run)
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
