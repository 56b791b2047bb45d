/** @module flows/customer-master/customer-master-deps — what both directions of the customer master share: policy, store, the ERP port, the Salesforce org; and the watermark and Account reads they make. */
import { systemClock, type Clock } from '../../clock/clock.ts'
import type { SalesforceClient } from '../../connectors/salesforce/salesforce-client.ts'
import type { RunContext } from '../../engine/flow-definition.ts'
import type { ConsistencyPolicies } from '../../policies/consistency-policy-schema.ts'
import { watermarkOf, type Watermark } from '../../policies/echo-watermark.ts'
import type { Store } from '../../store/store-contract.ts'
import {
  valuesFromAccount,
  type CustomerMasterValues,
  type SalesforceFieldMap,
} from './customer-master-fields.ts'
import type { ErpCustomerPort } from './erp-customer-port.ts'

/** The system name Salesforce watermarks are kept under. */
export const SALESFORCE_SYSTEM = 'salesforce'

export interface CustomerMasterDeps {
  policies: ConsistencyPolicies
  /** For watermarks and audit entries, which are not steps' results. */
  store: Store
  /** Stamps watermarks and audit entries; the hub passes its database clock. Default: the system's. */
  clock?: Clock
  erp: ErpCustomerPort
  salesforce: {
    client: SalesforceClient
    /** The governed target, e.g. `salesforce:<org host>/<user>`. */
    target: string
    /** The connection's `clientName`: the hub's writes carry it in changeOrigin. */
    clientName: string
    fields: SalesforceFieldMap
  }
}

/** The time the deps stamp records with. */
export function depsNow(deps: CustomerMasterDeps): number {
  return (deps.clock ?? systemClock).now()
}

export async function loadWatermark(
  deps: CustomerMasterDeps,
  ctx: RunContext,
  system: string,
  entityKey: string,
): Promise<(Watermark & { sourceVersion: number | null }) | null> {
  return deps.store.syncWatermarkGet({ tenantId: ctx.tenantId, system, entityKey })
}

/**
 * Records that the hub is about to write `values` to `system`: merged into the entity's watermark,
 * so fields written earlier stay recognised. Written before the delivery so the echo can never
 * arrive before it (see the module doc of the flows for why this order cannot lose an update).
 */
export async function recordWatermark(
  deps: CustomerMasterDeps,
  ctx: RunContext,
  system: string,
  entityKey: string,
  values: CustomerMasterValues,
  sourceVersion: number | null,
): Promise<void> {
  const previous = await loadWatermark(deps, ctx, system, entityKey)
  const merged = { ...previous?.fieldHashes, ...watermarkOf(values).fieldHashes }
  await deps.store.syncWatermarkPut({
    tenantId: ctx.tenantId,
    system,
    entityKey,
    contentHash: watermarkOf(merged).contentHash,
    fieldHashes: merged,
    sourceVersion: Math.max(sourceVersion ?? 0, previous?.sourceVersion ?? 0) || null,
    now: depsNow(deps),
  })
}

export interface AccountRead {
  [key: string]: string | number | CustomerMasterValues
  accountId: string
  values: CustomerMasterValues
  /** LastModifiedDate, epoch ms. */
  version: number
}

/** The Accounts with these ids (or modified since `since`), with the fields the flow maps. */
export async function readAccounts(
  deps: CustomerMasterDeps,
  where: { ids: readonly string[] } | { since: number },
  signal: AbortSignal,
): Promise<AccountRead[]> {
  const columns = ['Id', 'LastModifiedDate', ...Object.values(deps.salesforce.fields)]
  const condition =
    'ids' in where
      ? `Id IN (${where.ids.map((id) => `'${id.replace(/[^A-Za-z0-9]/g, '')}'`).join(', ')})`
      : `LastModifiedDate >= ${new Date(where.since).toISOString().replace(/\.\d{3}Z$/, 'Z')}`
  if ('ids' in where && where.ids.length === 0) return []
  const rows = await deps.salesforce.client.queryAll(
    `SELECT ${columns.join(', ')} FROM Account WHERE ${condition}`,
    { signal },
  )
  return rows.flatMap((row) => {
    const id = row.Id
    const modified =
      typeof row.LastModifiedDate === 'string' ? Date.parse(row.LastModifiedDate) : NaN
    if (typeof id !== 'string' || Number.isNaN(modified)) return []
    return [
      { accountId: id, values: valuesFromAccount(row, deps.salesforce.fields), version: modified },
    ]
  })
}
