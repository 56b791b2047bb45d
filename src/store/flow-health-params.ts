/** @module store/flow-health-params — per-flow run health the alert rules read: dead runs, the oldest unprocessed run, recent failures.
 *
 * Grouped by flow name only: which business domain a flow serves is the composition root's
 * knowledge, so the store stays free of policies.
 */

export interface FlowHealthParams {
  tenantId: string
  now: number
  /** Trailing window, ms, over which finished runs are counted: those finished in [now - windowMs, now]. */
  windowMs: number
}

export interface FlowHealth {
  flowName: string
  /** Runs dead-lettered now (state `dead`): a replay takes a run out of this count. */
  deadRuns: number
  /**
   * Creation time (epoch ms) of the oldest run not yet processed (pending, running or retrying),
   * or null when there is none. A `waiting` run is not counted: it waits on purpose.
   */
  oldestUnprocessedAt: number | null
  /** Runs that finished in the window: completed, compensated or dead-lettered. */
  finished: number
  /** Of those, the ones dead-lettered. */
  failed: number
}
