/** @module engine/crash-points — named places where a test can kill the hub abruptly.
 *
 * The reliability campaign kills the process exactly between two durable steps, the moments where
 * a bug would lose or duplicate work. In production no trigger is installed and each point is a
 * no-op call.
 */

export const CRASH_POINTS = [
  /** The inbox message and its runs are committed; the producer has not been answered yet. */
  'after_ingest_commit_before_ack',
  /** The run is claimed and the attempt recorded; the target has not been called yet. */
  'after_claim_before_call',
  /** The target answered 2xx; its result is not recorded yet (the effect exists, we do not know it). */
  'after_target_2xx_before_commit',
  /** A saga is undoing a failed run: one compensation is recorded, the next has not begun. */
  'mid_saga_compensation',
  /** The run was moved to the dead-letter queue; nothing after that has happened yet. */
  'after_dlq_move_before_ack',
] as const

export type CrashPointName = (typeof CRASH_POINTS)[number]

export interface CrashPoints {
  /** May not return: a test trigger kills the process here. */
  hit(name: CrashPointName): void
}

export const noCrashPoints: CrashPoints = { hit: () => {} }
