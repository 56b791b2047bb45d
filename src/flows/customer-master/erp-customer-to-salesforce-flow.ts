/** @module flows/customer-master/erp-customer-to-salesforce-flow — ERP customer changes back to the Salesforce Account: only the fields the ERP owns.
 *
 * The ERP sends the whole customer record (a NetSuite user-event script posts it after every save,
 * the hub's own saves included), so what changed is found by comparing with the watermarks: an
 * ERP-owned field changed when it differs from what the hub last wrote to Salesforce; a CRM-owned
 * field changed in the ERP when it differs from what the hub last wrote to the ERP. A record that
 * differs in neither is the hub's own write coming back (or no change) and is dropped. The write
 * to Salesforce carries the hub's client id, so its change event is dropped in turn. A record
 * older than the version the hub last pushed to Salesforce is stale and is not applied.
 */
import { parseUntrustedJson } from '../../connectors/wire/untrusted-json.ts'
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import { changedSince } from '../../policies/echo-watermark.ts'
import { decideOwnership, ownedBy } from '../../policies/field-ownership.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import { accountBusinessKey, pick } from './customer-master-fields.ts'
import {
  loadWatermark,
  recordWatermark,
  SALESFORCE_SYSTEM,
  type CustomerMasterDeps,
} from './customer-master-deps.ts'
import { decideProposal } from './customer-master-proposal.ts'
import { writeSalesforceAccount } from './customer-master-writes.ts'

export const ERP_CUSTOMER_TO_SALESFORCE = 'erp-customer-to-salesforce'
/** The inbox topic of an ERP customer notification. */
export const ERP_CUSTOMER_TOPIC = 'customer.updated'

/** The business key an ERP notification is ingested under: the Account's, so both directions run one at a time. */
export function erpCustomerBusinessKey(deps: CustomerMasterDeps, payload: string): string {
  const record = parseUntrustedJson(payload, { source: `${deps.erp.system} customer` })
  const customer = deps.erp.customerFromRecord(record as Record<string, unknown>)
  return customer.accountId === null
    ? `customer:${deps.erp.system}:${customer.id}`
    : accountBusinessKey(customer.accountId)
}

export function createErpCustomerToSalesforceFlow(
  deps: CustomerMasterDeps,
  name = ERP_CUSTOMER_TO_SALESFORCE,
): FlowDefinition {
  const { erp, policies } = deps
  return defineFlow({
    name,
    domain: 'customerMaster' satisfies PolicyDomain,
    trigger: { sourceSystem: erp.system, topics: [ERP_CUSTOMER_TOPIC] },
    async run(ctx, message): Promise<JsonValue> {
      const customer = await ctx.step('read-record', () => {
        const record = parseUntrustedJson(message.payload, { source: `${erp.system} customer` })
        const read = erp.customerFromRecord(record as Record<string, unknown>)
        return { ...read }
      })
      const { accountId } = customer
      if (accountId === null) return { ignored: 'the customer mirrors no Salesforce Account' }

      const compared = await ctx.step('compare', async () => {
        const toErp = await loadWatermark(deps, ctx, erp.system, customer.key)
        const toCrm = await loadWatermark(deps, ctx, SALESFORCE_SYSTEM, accountId)
        if (
          customer.version !== null &&
          toCrm?.sourceVersion != null &&
          customer.version < toCrm.sourceVersion
        ) {
          return { stale: true, erpChanged: [], crmChanged: [] }
        }
        const erpOwned = pick(
          customer.values,
          ownedBy(policies, 'customerMaster', 'erp', erp.fields),
        )
        const erpChanged = changedSince(erpOwned, toCrm)
        // Only fields the hub wrote to the ERP: for the others it cannot tell an ERP edit of a
        // CRM-owned field from a value that was always there (reconciliation compares those).
        const crmChanged = changedSince(
          pick(customer.values, ownedBy(policies, 'customerMaster', 'crm', erp.fields)),
          toErp,
          { writtenOnly: true },
        )
        return { stale: false, erpChanged, crmChanged }
      })
      if (compared.stale) return { skipped: 'stale', accountId, version: customer.version }
      if (compared.erpChanged.length === 0 && compared.crmChanged.length === 0) {
        return { dropped: 'echo', by: 'watermark', accountId }
      }

      const decision = decideOwnership(policies, 'customerMaster', 'erp', [
        ...compared.erpChanged,
        ...compared.crmChanged,
      ])
      const output: { [key: string]: JsonValue } = { accountId }
      if (decision.apply.length > 0) {
        await writeSalesforceAccount(ctx, deps, {
          step: 'update-salesforce-account',
          accountId,
          values: pick(customer.values, decision.apply),
          version: customer.version,
        })
        output.applied = decision.apply
      }
      if (decision.propose.length > 0) {
        const proposed = pick(customer.values, decision.propose)
        const outcome = await decideProposal(ctx, deps, {
          name: 'proposal',
          accountId,
          from: 'erp',
          decision,
          values: proposed,
        })
        output.proposal = { fields: decision.propose, outcome }
        if (outcome === 'approved') {
          await writeSalesforceAccount(ctx, deps, {
            step: 'apply-approved-proposal',
            accountId,
            values: proposed,
            version: null,
          })
          // The ERP already holds these values: its copy coming back is no change.
          await ctx.step('apply-approved-proposal/erp-watermark', async () => {
            await recordWatermark(deps, ctx, erp.system, customer.key, proposed, null)
            return null
          })
        }
      }
      return output
    },
  })
}
