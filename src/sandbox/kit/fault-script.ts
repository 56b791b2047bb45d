/** @module sandbox/kit/fault-script — the scenario a test scripts, and the seeded decision of which fault each request gets. */

import { z } from 'zod'
import { seededRandom } from './seeded-random.ts'
import type { SeededRandom } from './seeded-random.ts'

/** Every fault a simulator can inject; a simulator declares the subset its vendor can really produce. */
export const FAULT_KINDS = [
  'http5xx',
  'rateLimit',
  'requestLimit',
  'timeout',
  'commitThenDrop',
  'resetBeforeHeaders',
  'malformed',
] as const
export type FaultKind = (typeof FAULT_KINDS)[number]

export const SERVER_ERROR_STATUSES = [500, 502, 503] as const
export type ServerErrorStatus = (typeof SERVER_ERROR_STATUSES)[number]

export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'http5xx'; readonly status: ServerErrorStatus }
  | { readonly kind: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'requestLimit' }
  | { readonly kind: 'timeout'; readonly delayMs: number; readonly commit: boolean }
  | { readonly kind: 'commitThenDrop' }
  | { readonly kind: 'resetBeforeHeaders' }
  | { readonly kind: 'malformed'; readonly commit: boolean }

export interface Range {
  readonly min: number
  readonly max: number
}

export interface Scenario {
  /** Seed of the fault stream; the same seed and the same request order give the same faults. */
  readonly seed: number
  /** Probability per faultable request of each kind; the rates must sum to at most 1. */
  readonly faults: Readonly<Record<FaultKind, number>>
  /** Faults forced on the next faultable requests, in order, before the rates apply. */
  readonly sequence: readonly (FaultKind | 'none')[]
  /** Which 5xx statuses an `http5xx` fault picks from. */
  readonly statuses: readonly ServerErrorStatus[]
  /** Whole seconds for the Retry-After of a scripted 429. */
  readonly retryAfterSeconds: Range
  /** Latency added to every vendor API request, faulted or not. */
  readonly latencyMs: Range
  /** A `timeout` fault answers only after `delayMs`; with `commit` the effect is applied first. */
  readonly timeout: { readonly delayMs: number; readonly commit: boolean }
  /** Whether a `malformed` 200 applies the effect before sending garbage. */
  readonly malformedCommits: boolean
  /** Account-wide in-flight cap; null where the vendor has none. */
  readonly concurrencyLimit: number | null
  /** `naive` applies every request; `honour` replays the stored outcome for a repeated idempotency key. */
  readonly idempotency: 'naive' | 'honour'
  /** HTTP methods that faults apply to; reads are left alone by default so tests can observe state. */
  readonly faultMethods: readonly string[]
}

/** What a simulator can do, so a scenario asking for something the vendor never does is refused. */
export interface ScenarioCapabilities {
  readonly faults: readonly FaultKind[]
  readonly concurrencyLimit: boolean
  readonly idempotency: boolean
}

export const NO_FAULTS: Readonly<Record<FaultKind, number>> = Object.freeze({
  http5xx: 0,
  rateLimit: 0,
  requestLimit: 0,
  timeout: 0,
  commitThenDrop: 0,
  resetBeforeHeaders: 0,
  malformed: 0,
})

const rate = z.number().min(0).max(1)
const range = (max: number) =>
  z
    .strictObject({ min: z.number().int().min(0).max(max), max: z.number().int().min(0).max(max) })
    .refine((r) => r.min <= r.max, 'min must not exceed max')

const scenarioInput = z.strictObject({
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  faults: z
    .strictObject({
      http5xx: rate.optional(),
      rateLimit: rate.optional(),
      requestLimit: rate.optional(),
      timeout: rate.optional(),
      commitThenDrop: rate.optional(),
      resetBeforeHeaders: rate.optional(),
      malformed: rate.optional(),
    })
    .optional(),
  sequence: z.array(z.enum([...FAULT_KINDS, 'none'])).optional(),
  statuses: z.array(z.literal(SERVER_ERROR_STATUSES)).min(1).optional(),
  retryAfterSeconds: range(3600).optional(),
  latencyMs: range(600_000).optional(),
  timeout: z
    .strictObject({
      delayMs: z.number().int().min(1).max(900_000).optional(),
      commit: z.boolean().optional(),
    })
    .optional(),
  malformedCommits: z.boolean().optional(),
  concurrencyLimit: z.number().int().min(1).max(10_000).nullable().optional(),
  idempotency: z.enum(['naive', 'honour']).optional(),
  faultMethods: z.array(z.string().regex(/^[A-Za-z]+$/)).optional(),
})

/** What a test may send: any subset of the scenario; the rest comes from the simulator's defaults. */
export type ScenarioInput = z.input<typeof scenarioInput>

export type ScenarioParse =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly error: string }

/**
 * Builds a whole scenario from a partial one. Missing fields take the simulator's defaults,
 * not the previous scenario's values: POST /__sim/scenario replaces the script, it does not patch it.
 */
export function parseScenario(
  input: unknown,
  defaults: Scenario,
  caps: ScenarioCapabilities,
): ScenarioParse {
  const parsed = scenarioInput.safeParse(input ?? {})
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) }
  const given = parsed.data
  const faults: Record<FaultKind, number> = { ...defaults.faults }
  for (const kind of FAULT_KINDS) {
    const value = given.faults?.[kind]
    if (value !== undefined) faults[kind] = value
  }
  const asked = [...FAULT_KINDS.filter((k) => faults[k] > 0), ...(given.sequence ?? [])]
  const unsupported = asked.filter((k) => k !== 'none' && !caps.faults.includes(k))
  if (unsupported.length > 0) {
    return {
      ok: false,
      error: `this simulator cannot produce: ${[...new Set(unsupported)].join(', ')}`,
    }
  }
  const total = FAULT_KINDS.reduce((sum, k) => sum + faults[k], 0)
  if (total > 1 + 1e-9) return { ok: false, error: `fault rates sum to ${total}, above 1` }
  if (!caps.concurrencyLimit && given.concurrencyLimit != null) {
    return { ok: false, error: 'this simulator has no concurrency limit' }
  }
  if (caps.concurrencyLimit && given.concurrencyLimit === null) {
    return { ok: false, error: 'concurrencyLimit must be a positive integer here' }
  }
  if (!caps.idempotency && given.idempotency === 'honour') {
    return { ok: false, error: 'this vendor API has no idempotency key to honour' }
  }
  return {
    ok: true,
    scenario: {
      seed: given.seed ?? defaults.seed,
      faults,
      sequence: given.sequence ?? defaults.sequence,
      statuses: given.statuses ?? defaults.statuses,
      retryAfterSeconds: given.retryAfterSeconds ?? defaults.retryAfterSeconds,
      latencyMs: given.latencyMs ?? defaults.latencyMs,
      timeout: { ...defaults.timeout, ...stripUndefined(given.timeout ?? {}) },
      malformedCommits: given.malformedCommits ?? defaults.malformedCommits,
      concurrencyLimit:
        given.concurrencyLimit === undefined ? defaults.concurrencyLimit : given.concurrencyLimit,
      idempotency: given.idempotency ?? defaults.idempotency,
      faultMethods: (given.faultMethods ?? defaults.faultMethods).map((m) => m.toUpperCase()),
    },
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Decides, request by request, which fault to inject, from the scenario and its seeded PRNG. */
export class FaultScript {
  readonly scenario: Scenario
  readonly #faults: SeededRandom
  readonly #latency: SeededRandom
  #decided = 0

  constructor(scenario: Scenario) {
    this.scenario = scenario
    this.#faults = seededRandom(scenario.seed)
    // Latency has its own stream: how many reads a test makes must not shift the fault sequence.
    this.#latency = this.#faults.fork(0x1a7e)
  }

  /** How many faultable requests have been decided so far. */
  get decided(): number {
    return this.#decided
  }

  /** Whether requests with this method are subject to faults at all (reads, by default, are not). */
  applies(method: string): boolean {
    return this.scenario.faultMethods.includes(method.toUpperCase())
  }

  /**
   * Draws the fault for the next faultable request. Every call consumes exactly three numbers,
   * whatever the outcome, so that a change of sub-parameters (statuses, Retry-After range)
   * never changes which requests are faulted.
   */
  decide(): FaultDecision {
    const u = this.#faults.next()
    const v = this.#faults.next()
    const w = this.#faults.next()
    const forced = this.scenario.sequence[this.#decided]
    this.#decided += 1
    const kind = forced ?? this.#kindFor(u)
    const s = this.scenario
    switch (kind) {
      case 'none':
        return { kind }
      case 'http5xx':
        return { kind, status: s.statuses[Math.floor(v * s.statuses.length)] ?? 500 }
      case 'rateLimit': {
        const { min, max } = s.retryAfterSeconds
        return { kind, retryAfterSeconds: min + Math.floor(w * (max - min + 1)) }
      }
      case 'timeout':
        return { kind, delayMs: s.timeout.delayMs, commit: s.timeout.commit }
      case 'malformed':
        return { kind, commit: s.malformedCommits }
      case 'requestLimit':
      case 'commitThenDrop':
      case 'resetBeforeHeaders':
        return { kind }
    }
  }

  /** Latency to add to the next vendor request, in milliseconds. */
  latencyMs(): number {
    const { min, max } = this.scenario.latencyMs
    return max === 0 ? 0 : this.#latency.int(min, max)
  }

  #kindFor(u: number): FaultKind | 'none' {
    let edge = 0
    for (const kind of FAULT_KINDS) {
      edge += this.scenario.faults[kind]
      if (u < edge) return kind
    }
    return 'none'
  }
}
