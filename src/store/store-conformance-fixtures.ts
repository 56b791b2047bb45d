/** @module store/store-conformance-fixtures — shared setup for the store conformance suite. */
import { randomUUID } from 'node:crypto'
import type { ErrorRecord } from '../errors/hub-error.ts'
import type {
  ClaimedRun,
  InboxIngestParams,
  InboxIngestResult,
  LeaseParams,
  RunToCreate,
  StepCompletion,
  Store,
} from './store-contract.ts'

export interface StoreHandle {
  store: Store
  cleanup: () => Promise<void>
}

export type MakeStore = () => Promise<StoreHandle>

export interface ConformanceContext {
  /** The suite's shared, migrated store. Every test isolates itself with its own tenant. */
  readonly store: Store
  /** A new, unmigrated store (its own schema or folder), for migration tests. */
  readonly makeStore: MakeStore
  /** What the first `migrate()` of the shared store reported. */
  readonly firstMigration: { applied: string[]; alreadyApplied: string[] }
}

export const T0 = Date.parse('2026-01-01T00:00:00Z')
export const FLOW = 'order-sync'
export const OTHER_FLOW = 'customer-sync'
export const LEASE_MS = 30_000

export function newTenant(): string {
  return `tenant-${randomUUID()}`
}

export function errorRecord(message: string): ErrorRecord {
  return { type: 'retryable', message, status: 503, causes: ['Error: socket hang up'] }
}

let messageCounter = 0

export function ingestParams(
  tenantId: string,
  overrides: Partial<InboxIngestParams> & { runs?: RunToCreate[] } = {},
): InboxIngestParams {
  messageCounter += 1
  return {
    tenantId,
    sourceSystem: 'shopify',
    sourceMessageId: `msg-${messageCounter}-${randomUUID()}`,
    connection: 'shop-main',
    topic: 'orders/create',
    // An int64 id beyond 2^53 and non-ASCII text: both must come back byte for byte.
    payload: `{"id":9007199254740993123,"note":"grüße ✓","n":${messageCounter}}`,
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'c2lnbmF0dXJl' },
    receivedAt: T0,
    triggeredAt: T0 - 500,
    runs: [{ flowName: FLOW, businessKey: `order-${messageCounter}` }],
    ...overrides,
  }
}

/** Ingests a message creating one run of `flowName` for `businessKey`; returns the run id. */
export async function ingestRun(
  store: Store,
  tenantId: string,
  businessKey: string,
  options: { flowName?: string; receivedAt?: number } = {},
): Promise<string> {
  const result = await store.inboxIngest(
    ingestParams(tenantId, {
      receivedAt: options.receivedAt ?? T0,
      runs: [{ flowName: options.flowName ?? FLOW, businessKey }],
    }),
  )
  return onlyRunId(result)
}

export function onlyRunId(result: InboxIngestResult): string {
  const [runId] = result.runIds
  if (runId === undefined || result.runIds.length !== 1) {
    throw new Error(`expected exactly one run, got ${JSON.stringify(result.runIds)}`)
  }
  return runId
}

export async function claim(
  store: Store,
  tenantId: string,
  now: number,
  options: { limit?: number; workerId?: string; leaseMs?: number; flowNames?: string[] } = {},
): Promise<ClaimedRun[]> {
  return store.runClaim({
    tenantId,
    workerId: options.workerId ?? 'worker-a',
    limit: options.limit ?? 10,
    now,
    leaseMs: options.leaseMs ?? LEASE_MS,
    flowNames: options.flowNames ?? [FLOW, OTHER_FLOW],
  })
}

/** Claims exactly one run (the one expected) and returns it. */
export async function claimOne(
  store: Store,
  tenantId: string,
  now: number,
  options: { workerId?: string; leaseMs?: number } = {},
): Promise<ClaimedRun> {
  const runs = await claim(store, tenantId, now, { ...options, limit: 1 })
  const [run] = runs
  if (run === undefined) throw new Error(`nothing claimable for ${tenantId} at ${now}`)
  return run
}

export function lease(run: ClaimedRun, now: number): LeaseParams {
  return { tenantId: run.tenantId, runId: run.id, leaseVersion: run.leaseVersion, now }
}

export function ids(runs: { id: string }[]): string[] {
  return runs.map((run) => run.id)
}

/**
 * A customer delivery step's completion: its NetSuite id, the cross reference from the Shopify
 * customer and the version of the customer it applied.
 */
export function customerSynced(
  targetId: string,
  version: number,
  businessKey = 'cust-1',
  sourceId = '9007199254740993',
): StepCompletion {
  return {
    name: 'customer',
    kind: 'delivery',
    output: { id: targetId },
    crossReferences: [
      {
        entityType: 'customer',
        businessKey,
        sourceSystem: 'shopify',
        sourceId,
        targetSystem: 'netsuite',
        targetId,
      },
    ],
    entityVersion: { target: 'netsuite', businessKey, version },
  }
}
