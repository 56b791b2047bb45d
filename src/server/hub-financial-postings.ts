/** @module server/hub-financial-postings — binds the financial postings process from config: the settlements flow on its NetSuite account, and the settlement extract on the policy's schedule.
 *
 * The extract runs in every hub process on `policies.financialPostings.batch.everyMs`; a store lock
 * per shop connection lets one of them through at a time, and the day-keyed message ids make an
 * extract that is repeated anyway harmless (hub-settlement-extract.ts).
 */
import type { Logger } from 'pino'
import { NetSuiteClient } from '../connectors/netsuite/netsuite-client.ts'
import { netsuiteConnectorSpec } from '../connectors/netsuite/netsuite-connector-spec.ts'
import { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'
import { ShopifyOrderPaymentClient } from '../connectors/shopify/shopify-order-payment-client.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import { createShopifySettlementsFlow } from '../flows/financial-postings/financial-postings-flow.ts'
import {
  parseFinancialPostingPolicy,
  type FinancialPostingPolicy,
} from '../flows/financial-postings/posting-policy.ts'
import type { ConsistencyPolicies } from '../policies/consistency-policy-schema.ts'
import { CredentialLockTimeoutError, type Store } from '../store/store-contract.ts'
import type { ProcessContext } from './hub-process-context.ts'
import {
  FINANCIAL_POSTINGS_FLOW,
  type FinancialPostingsBinding,
} from './hub-financial-postings-config.ts'
import type { GovernedTarget } from './hub-governed-target.ts'
import { extractSettlements, type SettlementExtractDeps } from './hub-settlement-extract.ts'

/** Longest one extract may hold the lock; a hung one is aborted and the next tick starts afresh. */
const EXTRACT_HOLD_MS = 10 * 60_000
/** Another hub holding the lock is running this period's extract: this one does not wait for it. */
const EXTRACT_WAIT_MS = 1_000

export interface SettlementSchedule {
  stop(): Promise<void>
}

export interface FinancialPostingsBindings {
  flows: FlowDefinition[]
  targets: GovernedTarget[]
  /** Starts the extract's schedule; call once the engine exists. */
  start(engine: Pick<HubEngine, 'ingest'>): SettlementSchedule[]
}

/** The builder's policy: the binding's ledger mapping, the domain policy's batch size and approval. */
export function postingPolicyOf(
  binding: FinancialPostingsBinding,
  policies: ConsistencyPolicies,
): FinancialPostingPolicy {
  const { batch, approval } = policies.financialPostings
  const {
    flow: _flow,
    name: _name,
    shopifyConnection: _shop,
    erp: _erp,
    erpConnection: _erpConnection,
    startDay: _startDay,
    settleAfterMs: _settle,
    ...ledger
  } = binding
  return parseFinancialPostingPolicy({
    ...ledger,
    maxTransactionsPerBatch: batch.maxSize,
    approval: {
      threshold: batch.approvalThreshold,
      assignee: approval.assignee,
      timeoutMs: approval.timeoutMs,
      ...(approval.escalateTo === undefined ? {} : { escalateTo: approval.escalateTo }),
    },
  })
}

export function financialPostingsBindings(context: ProcessContext): FinancialPostingsBindings {
  const { connections, clock, sharedTokens } = context
  const binding = connections.flows.find(
    (b): b is FinancialPostingsBinding => b.flow === FINANCIAL_POSTINGS_FLOW,
  )
  if (binding === undefined) return { flows: [], targets: [], start: () => [] }

  const account = connections.netsuite.get(binding.erpConnection)
  if (account === undefined) throw new Error(`no NetSuite connection "${binding.erpConnection}"`)
  const shop = connections.shopify.get(binding.shopifyConnection)
  if (shop === undefined) throw new Error(`no Shopify connection "${binding.shopifyConnection}"`)
  const netsuite = new NetSuiteClient(account, { clock, sharedTokens })
  const target = netsuiteConnectorSpec.governance(account).target
  const flow = createShopifySettlementsFlow({
    netsuite,
    netsuiteTarget: target,
    policy: postingPolicyOf(binding, context.policies),
  })
  // The account's governor, as the order flows configure it (hub-flows.ts): the hub keeps the
  // first of two targets with one key, so binding both flows to one account governs it once.
  const governed: GovernedTarget = {
    key: target,
    role: 'erp',
    concurrencyLimit: async () => (await netsuite.getGovernanceLimits()).effectiveConcurrencyLimit,
    configured: {
      ...(account.concurrencyLimit === undefined ? {} : { concurrency: account.concurrencyLimit }),
      ...(account.deliveriesPerSecond === undefined
        ? {}
        : { deliveriesPerSecond: account.deliveriesPerSecond }),
    },
  }
  const admin = new ShopifyAdminClient(shop, { clock })

  return {
    flows: [binding.name === undefined ? flow : { ...flow, name: binding.name }],
    targets: [governed],
    start(engine) {
      return [
        startSettlementSchedule({
          extract: {
            connection: binding.shopifyConnection,
            admin,
            payments: new ShopifyOrderPaymentClient(admin.rest),
            engine,
            store: context.store,
            tenantId: context.tenantId,
            clock,
            startDay: binding.startDay,
            settleAfterMs: binding.settleAfterMs,
          },
          everyMs: context.policies.financialPostings.batch.everyMs,
          store: context.store,
          logger: context.logger,
        }),
      ]
    },
  }
}

/** One extract now and then every `everyMs`, never two at once in the process nor across hubs. */
export function startSettlementSchedule(parts: {
  extract: SettlementExtractDeps
  everyMs: number
  store: Pick<Store, 'credentialTokenLock'>
  logger: Logger
}): SettlementSchedule {
  const { extract, logger } = parts
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()

  const once = async (): Promise<void> => {
    try {
      const outcome = await parts.store.credentialTokenLock(
        {
          tenantId: extract.tenantId,
          credentialKey: `settlement-extract/${extract.connection}`,
          waitMs: EXTRACT_WAIT_MS,
          holdMs: EXTRACT_HOLD_MS,
        },
        (held) => extractSettlements(extract, AbortSignal.any([held, stopping.signal])),
      )
      if (outcome.days.length > 0) {
        logger.info({ connection: extract.connection, ...outcome }, 'settlement extract ingested')
      }
    } catch (error) {
      if (stopping.signal.aborted) return
      if (error instanceof CredentialLockTimeoutError && error.phase === 'wait') {
        logger.debug({ connection: extract.connection }, 'settlement extract runs in another hub')
        return
      }
      // The watermark did not move: the next tick extracts the same days again.
      logger.warn({ err: error, connection: extract.connection }, 'settlement extract failed')
    }
  }

  const tick = (): void => {
    current = once().finally(() => {
      if (stopping.signal.aborted) return
      timer = setTimeout(tick, parts.everyMs)
      timer.unref()
    })
  }
  timer = setTimeout(tick, 0)
  timer.unref()

  return {
    async stop() {
      stopping.abort(new Error('the hub is stopping'))
      clearTimeout(timer)
      await current
    },
  }
}
