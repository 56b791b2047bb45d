/** @module flows/customer-master/customer-master-proposal — a change to fields the changing system does not own: refused and audited, or an approval task, per policy. Never a write by itself. */
import type { RunContext } from '../../engine/flow-definition.ts'
import type { SystemRole } from '../../policies/consistency-policy-schema.ts'
import type { OwnershipDecision } from '../../policies/field-ownership.ts'
import type { CustomerMasterValues } from './customer-master-fields.ts'
import { depsNow, type CustomerMasterDeps } from './customer-master-deps.ts'

export type ProposalOutcome = 'approved' | 'rejected' | 'expired' | 'refused'

export interface Proposal {
  /** The step name; unique per run. */
  name: string
  accountId: string
  from: SystemRole
  decision: OwnershipDecision
  values: CustomerMasterValues
}

/**
 * `refused`: the policy rejects non-owner changes; an audit entry records who proposed what.
 * Otherwise a person decides (the task shows the proposed values and each field's owner); only an
 * approval lets the caller write the values, to the owner.
 */
export async function decideProposal(
  ctx: RunContext,
  deps: CustomerMasterDeps,
  proposal: Proposal,
): Promise<ProposalOutcome> {
  const { decision, values, accountId, from } = proposal
  const subject = {
    accountId,
    from,
    fields: decision.propose,
    owners: decision.owners,
    values,
  }
  if (decision.disposition === 'reject') {
    await ctx.step(`${proposal.name}/audit`, async () => {
      await deps.store.auditAppend({
        tenantId: ctx.tenantId,
        at: depsNow(deps),
        actor: `flow:${ctx.flowName}`,
        interactionId: ctx.runId,
        action: 'ownership.rejected',
        subject,
        outcome: 'rejected',
        details: {
          reason: `${from} does not own ${decision.propose.join(', ')}; the policy rejects changes from a system that does not own the field`,
        },
      })
      return null
    })
    return 'refused'
  }
  const owners = [...new Set(Object.values(decision.owners))].join(', ')
  const approval = deps.policies.customerMaster.approval
  const outcome = await ctx.approval(proposal.name, {
    title: `${from} changed ${decision.propose.join(', ')} of Account ${accountId}, owned by ${owners}: apply it there?`,
    subject,
    assignee: approval.assignee,
    timeoutMs: approval.timeoutMs,
    ...(approval.escalateTo === undefined ? {} : { escalateTo: approval.escalateTo }),
  })
  return outcome.decision
}
