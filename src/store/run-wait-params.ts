/** @module store/run-wait-params — the store's parameters and results for durable waits and signals. */
import type { JsonValue } from './store-contract.ts'
import type { CarriedCompletion, LeaseParams } from './store-params.ts'

export interface RunWaitParams extends LeaseParams {
  name: string
  /** Signals with this key complete the wait; null for a timer, which only its deadline ends. */
  correlationKey: string | null
  /** When the run is due again without the event (epoch ms). */
  deadline: number
  /** Completions of earlier steps, written in the same transaction. */
  carried?: CarriedCompletion[]
}

/** An event as a wait step records it. */
export interface WaitEvent {
  eventId: string
  name: string
  payload: JsonValue
  receivedAt: number
}

/**
 * `held` false: the lease is gone and nothing was written. `event` null: the run is `waiting`
 * and its lease released. An event: it was already there, the step completed with it.
 */
export type RunWaitResult = { held: false } | { held: true; event: WaitEvent | null }

export interface EventSignalParams {
  tenantId: string
  /** The source's id for the event: a second signal with the same id is a duplicate. */
  eventId: string
  correlationKey: string
  name: string
  payload: JsonValue
  now: number
}

export interface EventSignalResult {
  duplicate: boolean
  /** Runs whose wait the event completed, now due. */
  woke: string[]
}
