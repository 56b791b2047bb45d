/** @module engine/entity-version-guard — a stale or repeated source version is never applied. */
import type { VersionGuard } from '../store/store-contract.ts'

/**
 * Thrown by `ctx.deliver` when the target already holds the delivery's entity version or a newer
 * one. Not a failure: the run completes with `output` saying so, and nothing more of it runs,
 * because everything after a superseded delivery was about state that is no longer current.
 */
export class SupersededError extends Error {
  readonly step: string
  readonly version: number
  readonly appliedVersion: number

  constructor(step: string, version: number, appliedVersion: number) {
    super(
      `step ${step}: version ${version} is superseded; the target already has version ${appliedVersion}`,
    )
    this.name = 'SupersededError'
    this.step = step
    this.version = version
    this.appliedVersion = appliedVersion
  }

  /** The run's output: plain JSON, as every memoized result is. */
  toOutput(): { superseded: { step: string; version: number; appliedVersion: number } } {
    return {
      superseded: { step: this.step, version: this.version, appliedVersion: this.appliedVersion },
    }
  }
}

/**
 * Equal counts as superseded: a second event carrying the same version (a duplicate delivery, or
 * a second subscription to the same change) must not write it again.
 */
export function isSuperseded(version: number, applied: number | null): boolean {
  return applied !== null && version <= applied
}

/**
 * The guard as a delivery states it: a forced replay (`reapplyEqual`) may apply the version that
 * is already there, never an older one. The store's guarded start applies the same rule in SQL.
 */
export function guardSupersedes(guard: VersionGuard, applied: number | null): boolean {
  if (applied === null) return false
  return guard.reapplyEqual && applied === guard.version
    ? false
    : isSuperseded(guard.version, applied)
}
