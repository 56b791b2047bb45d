/** @module server/hub-governed-target — a target the hub governs: its role for the policies' budgets and where its limits come from. */
import type { SystemRole } from '../policies/index.ts'

export interface GovernedTarget {
  key: string
  /**
   * The role the system plays for the consistency policies (`erp`, `commerce`, `crm`, `wms`): the
   * domains' budgets for that role are applied to this target. Without it, no budget is.
   */
  role?: SystemRole
  /** The account's limit as the target reports it, read once at start. */
  concurrencyLimit(): Promise<number | undefined>
  /** The connection's own caps, applied even when the target's limits cannot be read. */
  configured: { concurrency?: number; deliveriesPerSecond?: number }
}

/**
 * A target whose vendor publishes no account limit to read (SAP, Shopify, the WMS, Salesforce
 * here): the connection's own caps govern it.
 */
export function governedByConnection(
  role: SystemRole,
  governance: {
    target: string
    concurrency: number
    rate?: { perSecond: number } | undefined
  },
): GovernedTarget {
  return {
    key: governance.target,
    role,
    concurrencyLimit: () => Promise.resolve(undefined),
    configured: {
      concurrency: governance.concurrency,
      ...(governance.rate === undefined ? {} : { deliveriesPerSecond: governance.rate.perSecond }),
    },
  }
}
