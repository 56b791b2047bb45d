/** @module flows/customer-master/account-reconcile-step — after a CDC gap or overflow: read the affected Accounts, compare with the ERP, write what differs. */
import type { RunContext } from '../../engine/flow-definition.ts'
import { hashValue } from '../../policies/echo-watermark.ts'
import { ownedBy } from '../../policies/field-ownership.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { AccountChangeRead } from './account-change-read.ts'
import { pick } from './customer-master-fields.ts'
import { readAccounts, type CustomerMasterDeps } from './customer-master-deps.ts'
import { writeErpCustomer } from './customer-master-writes.ts'

/** How far back an overflow (which names no records) looks for changed Accounts. */
export const OVERFLOW_LOOKBACK_MS = 3_600_000

/**
 * Targeted: only the Accounts the event names (an overflow names none: those changed in the hour
 * before it). CRM-owned fields that differ are written. An Account the ERP does not have is listed,
 * not created: creating a customer needs the approval a change event would have opened.
 */
export async function reconcileAccounts(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  change: Extract<AccountChangeRead, { kind: 'reconcile' }>,
): Promise<JsonValue> {
  const { erp, policies } = deps
  const owned = ownedBy(policies, 'customerMaster', 'crm', erp.fields)
  const accounts = await ctx.step('reconcile/read-accounts', () =>
    readAccounts(
      deps,
      change.allRecords
        ? { since: change.commitTimestamp - OVERFLOW_LOOKBACK_MS }
        : { ids: change.recordIds },
      ctx.signal,
    ),
  )
  const updated: string[] = []
  const missingInErp: string[] = []
  const inStep: string[] = []
  for (const account of accounts) {
    const key = erp.customerKey(account.accountId)
    const differs = await ctx.step(`reconcile/compare/${account.accountId}`, async () => {
      const found = await erp.findCustomer(key, ctx.signal)
      if (found === null) return null
      const applied = await deps.store.entityVersionGet({
        tenantId: ctx.tenantId,
        target: erp.target,
        businessKey: key,
      })
      const fields = owned.filter(
        (f) => hashValue(found.values[f]) !== hashValue(account.values[f]),
      )
      return { fields, guard: applied === null || applied < change.commitTimestamp }
    })
    if (differs === null) {
      missingInErp.push(account.accountId)
      continue
    }
    if (differs.fields.length === 0) {
      inStep.push(account.accountId)
      continue
    }
    await writeErpCustomer(ctx, deps, {
      step: `reconcile/upsert/${account.accountId}`,
      accountId: account.accountId,
      key,
      values: pick(account.values, differs.fields),
      create: false,
      // Guarded by the gap event's commit instant, not LastModifiedDate (Salesforce keeps that
      // to the second, events carry milliseconds): the state read now includes every change up
      // to the gap, so a change event from before it that is still queued is superseded and can
      // never roll the reconciled state back. When a newer event was applied already, the read
      // is still current (runs of one Account never interleave): written unguarded.
      version: differs.guard ? change.commitTimestamp : undefined,
    })
    updated.push(account.accountId)
  }
  return { reconciled: accounts.length, reason: change.reason, updated, inStep, missingInErp }
}
