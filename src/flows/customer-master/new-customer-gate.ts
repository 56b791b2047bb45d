/** @module flows/customer-master/new-customer-gate — an Account the ERP does not have: approved by a person (per policy) before the ERP customer is created. */
import type { RunContext } from '../../engine/flow-definition.ts'
import { ownedBy } from '../../policies/field-ownership.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { AccountChangeRead } from './account-change-read.ts'
import { pick, type CustomerMasterValues } from './customer-master-fields.ts'
import { readAccounts, type CustomerMasterDeps } from './customer-master-deps.ts'

export const NEW_CUSTOMER_STEP = 'approve-new-customer'

export type NewCustomerGate =
  | { kind: 'create'; values: CustomerMasterValues }
  | { kind: 'stop'; output: { [key: string]: JsonValue } }

/**
 * The CRM-owned values to create the customer with, or why not. A waiting approval holds no
 * business key, so later changes of the Account run meanwhile: they find the open task and stop,
 * and the approved run reads the Account as it is then, so none of their changes is lost.
 */
export async function gateNewCustomer(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  change: Extract<AccountChangeRead, { kind: 'change' }>,
  key: string,
): Promise<NewCustomerGate> {
  const { policies, erp } = deps
  const { accountId } = change
  const crmFields = ownedBy(policies, 'customerMaster', 'crm', erp.fields)
  const readNow = (step: string) =>
    ctx.step(step, async () => {
      const [found] = await readAccounts(deps, { ids: [accountId] }, ctx.signal)
      return found === undefined ? null : pick(found.values, crmFields)
    })
  const gone = {
    kind: 'stop',
    output: { ignored: 'the Account no longer exists', accountId },
  } as const

  if (!policies.customerMaster.newRecords.requireApproval) {
    // An update carries only the changed fields: a creation needs the whole Account.
    if (change.changeType !== 'UPDATE') {
      return { kind: 'create', values: pick(change.values, crmFields) }
    }
    const values = await readNow('read-account')
    return values === null ? gone : { kind: 'create', values }
  }

  const pending = await ctx.step('new-customer/pending', async () => {
    const open = await deps.store.approvalList({
      tenantId: ctx.tenantId,
      state: 'open',
      limit: 500,
    })
    const task = open.find(
      (t) =>
        t.step === NEW_CUSTOMER_STEP &&
        t.runId !== ctx.runId &&
        typeof t.subject === 'object' &&
        t.subject !== null &&
        !Array.isArray(t.subject) &&
        t.subject.accountId === accountId,
    )
    return task?.id ?? null
  })
  if (pending !== null) return { kind: 'stop', output: { pendingApproval: pending, accountId } }

  const proposed =
    change.changeType === 'UPDATE' ? await readNow('read-account') : pick(change.values, crmFields)
  if (proposed === null) return gone
  const approval = policies.customerMaster.approval
  const verdict = await ctx.approval(NEW_CUSTOMER_STEP, {
    title: `New customer "${String(proposed.name ?? accountId)}" from Salesforce Account ${accountId}: create it in ${erp.system}?`,
    subject: { accountId, erpKey: key, values: proposed },
    assignee: approval.assignee,
    timeoutMs: approval.timeoutMs,
    ...(approval.escalateTo === undefined ? {} : { escalateTo: approval.escalateTo }),
  })
  if (verdict.decision !== 'approved') {
    return {
      kind: 'stop',
      output: { newCustomer: verdict.decision, accountId, taskId: verdict.taskId },
    }
  }
  const values = await readNow('new-customer/read-approved')
  return values === null ? gone : { kind: 'create', values }
}
