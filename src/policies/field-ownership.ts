/** @module policies/field-ownership — who owns a field, and what a change from each system becomes: applied, or a proposal. */
import type {
  ConsistencyPolicies,
  NonOwnerDisposition,
  PolicyDomain,
  SystemRole,
} from './consistency-policy-schema.ts'

export interface OwnershipDecision {
  /** Fields the changing system owns: applied to the others. */
  apply: string[]
  /** Fields another system owns: never written; each becomes a proposal. */
  propose: string[]
  /** What a proposal becomes under this policy: refused and audited, or an approval task. */
  disposition: NonOwnerDisposition
  /** Owner of each proposed field, for the proposal's text. */
  owners: Record<string, SystemRole>
}

/** The owner of `field` in `domain`: its field group's owner, else the domain's golden source. */
export function fieldOwner(
  policies: ConsistencyPolicies,
  domain: PolicyDomain,
  field: string,
): SystemRole {
  const policy = policies[domain]
  for (const group of Object.values(policy.fieldGroups)) {
    if (group.fields.includes(field)) return group.owner
  }
  return policy.goldenSource
}

/**
 * Splits a change from `changingSystem` to `changedFields` into what is applied and what is
 * proposed. Duplicates collapse; the order of first appearance is kept, so the result is stable.
 */
export function decideOwnership(
  policies: ConsistencyPolicies,
  domain: PolicyDomain,
  changingSystem: SystemRole,
  changedFields: readonly string[],
): OwnershipDecision {
  const apply: string[] = []
  const propose: string[] = []
  const owners: Record<string, SystemRole> = {}
  for (const field of new Set(changedFields)) {
    const owner = fieldOwner(policies, domain, field)
    if (owner === changingSystem) apply.push(field)
    else {
      propose.push(field)
      owners[field] = owner
    }
  }
  return { apply, propose, disposition: policies[domain].nonOwnerChange, owners }
}

/** The fields of `domain` that `system` owns, among `fields`. */
export function ownedBy(
  policies: ConsistencyPolicies,
  domain: PolicyDomain,
  system: SystemRole,
  fields: readonly string[],
): string[] {
  return fields.filter((f) => fieldOwner(policies, domain, f) === system)
}
