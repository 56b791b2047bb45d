/** @module flows/customer-master/salesforce-account-to-erp-flow — Salesforce Account changes (CDC) to the ERP customer, per the customer-master policy.
 *
 * For each change: the hub's own echoes are dropped (changeOrigin names its client id, or every
 * changed value is what the hub wrote: the watermark); CRM-owned fields are written to the ERP,
 * guarded by the event's commit instant so a stale event never overwrites a newer one; fields the
 * ERP owns become a proposal (refused and audited, or an approval task) and are never written by
 * themselves; an Account the ERP does not have yet waits for approval before it is created. Gap
 * and overflow events read the named Accounts (or those changed since) and compare.
 *
 * Watermarks are written in a step before the delivery, not in the delivery's transaction: the
 * engine's completion carries only cross-references and the version raise. This order cannot loop:
 * the echo of a write can only arrive after the write, so its watermark is always there first.
 * It cannot lose an update either: a watermark left by a write that then failed names values the
 * hub meant to write, so only a change to exactly those values (which the target then already has
 * from its own side) would be taken for an echo; and a stale write leaves no watermark at all.
 * Runs about one Account share its business key, so they never interleave.
 */
import { defineFlow, type FlowDefinition, type RunContext } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import { isEcho } from '../../policies/echo-watermark.ts'
import { decideOwnership } from '../../policies/field-ownership.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import {
  ACCOUNT_CHANGE_TOPIC,
  readAccountChange,
  type AccountChangeRead,
} from './account-change-read.ts'
import { reconcileAccounts } from './account-reconcile-step.ts'
import { pick } from './customer-master-fields.ts'
import {
  loadWatermark,
  recordWatermark,
  SALESFORCE_SYSTEM,
  type CustomerMasterDeps,
} from './customer-master-deps.ts'
import { decideProposal } from './customer-master-proposal.ts'
import { writeErpCustomer } from './customer-master-writes.ts'
import { gateNewCustomer } from './new-customer-gate.ts'

export const SALESFORCE_ACCOUNT_TO_ERP = 'salesforce-account-to-erp'

export function createSalesforceAccountToErpFlow(
  deps: CustomerMasterDeps,
  name = SALESFORCE_ACCOUNT_TO_ERP,
): FlowDefinition {
  return defineFlow({
    name,
    domain: 'customerMaster' satisfies PolicyDomain,
    trigger: { sourceSystem: SALESFORCE_SYSTEM, topics: [ACCOUNT_CHANGE_TOPIC] },
    async run(ctx, message): Promise<JsonValue> {
      const change = await ctx.step('read-change', () =>
        readAccountChange(message, {
          clientName: deps.salesforce.clientName,
          fields: deps.salesforce.fields,
        }),
      )
      switch (change.kind) {
        case 'echo':
          return { dropped: 'echo', by: 'changeOrigin', accountId: change.accountId }
        case 'ignored':
          return { ignored: change.reason, accountId: change.accountId }
        case 'reconcile':
          return reconcileAccounts(ctx, deps, change)
        case 'change':
          return applyAccountChange(ctx, deps, change)
      }
    },
  })
}

async function applyAccountChange(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  change: Extract<AccountChangeRead, { kind: 'change' }>,
): Promise<JsonValue> {
  const { policies, erp } = deps
  const { accountId } = change
  const echo = await ctx.step('echo-check', async () =>
    isEcho(change.values, await loadWatermark(deps, ctx, SALESFORCE_SYSTEM, accountId)),
  )
  if (echo) return { dropped: 'echo', by: 'watermark', accountId }

  const decision = decideOwnership(policies, 'customerMaster', 'crm', Object.keys(change.values))
  const key = erp.customerKey(accountId)
  const existing = await ctx.step('find-erp-customer', async () => {
    const found = await erp.findCustomer(key, ctx.signal)
    return found === null ? null : found.id
  })
  // Only the fields this ERP holds (an SAP business partner has no phone or website).
  const held = (fields: string[]) => fields.filter((f) => erp.fields.includes(f))
  let values = pick(change.values, held(decision.apply))
  const create = existing === null
  if (create) {
    const gate = await gateNewCustomer(ctx, deps, change, key)
    if (gate.kind === 'stop') return gate.output
    values = gate.values
  }

  const output: { [key: string]: JsonValue } = { accountId, erpKey: key }
  if (create || Object.keys(values).length > 0) {
    const written = await writeErpCustomer(ctx, deps, {
      step: 'upsert-erp-customer',
      accountId,
      key,
      values,
      create,
      version: change.commitTimestamp,
    })
    output.erpCustomerId = written.id
    output.applied = Object.keys(values)
  }
  if (decision.propose.length > 0) {
    const proposed = pick(change.values, decision.propose)
    const outcome = await decideProposal(ctx, deps, {
      name: 'proposal',
      accountId,
      from: 'crm',
      decision,
      values: proposed,
    })
    output.proposal = { fields: decision.propose, outcome }
    if (outcome === 'approved') {
      // The owner accepted the CRM's values: write them to the ERP. Salesforce already holds
      // them, so they are watermarked there too and the ERP's copy coming back is no change.
      await writeErpCustomer(ctx, deps, {
        step: 'apply-approved-proposal',
        accountId,
        key,
        values: pick(proposed, held(decision.propose)),
        create: false,
        version: undefined,
      })
      await ctx.step('apply-approved-proposal/salesforce-watermark', async () => {
        await recordWatermark(deps, ctx, SALESFORCE_SYSTEM, accountId, proposed, null)
        return null
      })
    }
  }
  return output
}
