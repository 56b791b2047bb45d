/** @module policies/consistency-policy-parse — validates policy data at start: typed policies, or one error listing every problem with its path and the fix. */
import type { z } from 'zod'
import {
  ConsistencyPoliciesSchema,
  POLICY_DOMAINS,
  SYSTEM_ROLES,
  type ConsistencyPolicies,
} from './consistency-policy-schema.ts'

export interface PolicyProblem {
  /** e.g. `customerMaster.fieldGroups.credit.owner`. */
  path: string
  /** What is wrong and what to write instead. */
  message: string
}

/** Thrown by `parsePolicies`: every problem at once, so one edit fixes the file. */
export class PolicyError extends Error {
  readonly problems: readonly PolicyProblem[]

  constructor(source: string, problems: readonly PolicyProblem[], options?: { cause?: unknown }) {
    super(
      `${source} is invalid; fix these fields:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`,
      options,
    )
    this.name = 'PolicyError'
    this.problems = problems
  }
}

/**
 * The policies in `data` (absent domains and fields take the defaults of issue 6), checked as a
 * whole. `source` names where the data came from; `prefix` is prepended to every path (e.g.
 * `policies` when the data sits under that key of the hub config).
 */
export function parsePolicies(
  data: unknown,
  options: { source?: string; prefix?: string } = {},
): ConsistencyPolicies {
  const source = options.source ?? 'policies'
  const at = (path: string) =>
    options.prefix === undefined
      ? path || '(top level)'
      : path
        ? `${options.prefix}.${path}`
        : options.prefix
  const result = ConsistencyPoliciesSchema.safeParse(data ?? {})
  if (!result.success) {
    const problems = result.error.issues.map((issue) => ({
      path: at(formatPath(issue.path)),
      message: messageWithFix(issue),
    }))
    throw new PolicyError(source, problems, { cause: result.error })
  }
  const problems = crossCheck(result.data).map((p) => ({ ...p, path: at(p.path) }))
  if (problems.length > 0) throw new PolicyError(source, problems)
  return result.data
}

/** Renders a zod path as `customerMaster.fieldGroups.credit.fields[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    out +=
      typeof segment === 'number' ? `[${segment}]` : `${out === '' ? '' : '.'}${String(segment)}`
  }
  return out
}

/** Field names each object level accepts, to name them when a key is misspelt. */
function knownKeys(path: readonly PropertyKey[]): readonly string[] | undefined {
  if (path.length === 0) return POLICY_DOMAINS
  if (path.at(-1) === 'budgets') return SYSTEM_ROLES
  const [domain] = path
  if (
    path.length === 1 &&
    typeof domain === 'string' &&
    domain in ConsistencyPoliciesSchema.shape
  ) {
    const wrapped =
      ConsistencyPoliciesSchema.shape[domain as keyof typeof ConsistencyPoliciesSchema.shape]
    return Object.keys(wrapped.unwrap().shape)
  }
  return undefined
}

/** Our schemas word their own messages with a fix; zod's generic ones get one added here. */
function messageWithFix(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path)
      const keys = issue.keys.map((k) => `"${k}"`).join(', ')
      return `unknown field ${keys}; remove it or correct the spelling${known === undefined ? '' : ` (known fields: ${known.join(', ')})`}`
    }
    case 'invalid_type':
      if (issue.expected === 'object') {
        return 'expected an object of settings; write {} to take every default'
      }
      return issue.message
    default:
      return issue.message
  }
}

function crossCheck(policies: ConsistencyPolicies): PolicyProblem[] {
  const problems: PolicyProblem[] = []
  for (const domain of POLICY_DOMAINS) {
    const policy = policies[domain]
    const ownerOf = new Map<string, string>()
    for (const [group, spec] of Object.entries(policy.fieldGroups)) {
      spec.fields.forEach((field, i) => {
        const first = ownerOf.get(field)
        if (first !== undefined) {
          problems.push({
            path: `${domain}.fieldGroups.${group}.fields[${i}]`,
            message: `"${field}" is already in field group "${first}"; a field has one owner, so list it in one group only`,
          })
        } else ownerOf.set(field, group)
      })
    }
    if ('approval' in policy) {
      const { assignee, escalateTo } = policy.approval
      if (escalateTo === assignee) {
        problems.push({
          path: `${domain}.approval.escalateTo`,
          message: `escalating to the assignee ("${assignee}") again changes nothing; name someone else or remove escalateTo`,
        })
      }
    }
  }
  if (policies.financialPostings.goldenSource !== 'erp') {
    problems.push({
      path: 'financialPostings.goldenSource',
      message: `financial postings are authoritative in the ERP; set "erp" (got "${policies.financialPostings.goldenSource}")`,
    })
  }
  return problems
}
