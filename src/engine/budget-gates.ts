/** @module engine/budget-gates — a named budget's share of one target: slots and an optional rate its flows' calls to that target pass on top of the target's own gate.
 *
 * A target's own limits (TargetLimits) protect the account; a budget keeps one group of flows (a
 * business domain, in the hub) from taking all of it, so a burst of order deliveries cannot
 * starve customer updates to the same ERP. Flows are assigned to a budget by name; a flow with no
 * budget, or whose budget has no gate for the target, passes the target's gate alone.
 */
import type { Clock } from '../clock/clock.ts'
import { ConcurrencyGovernor } from './concurrency-governor.ts'
import { RateGovernor, type RateLimit } from './rate-governor.ts'

export interface BudgetLimits {
  /** Calls of the budget's flows in flight at once to the target. */
  concurrency: number
  /** Calls of the budget's flows per second to the target; unset: no rate cap of its own. */
  rate?: RateLimit
}

interface BudgetGate {
  readonly governor: ConcurrencyGovernor
  rate: RateGovernor | undefined
}

export class BudgetGates {
  readonly #clock: Clock
  /** `target|budget` → its gate. */
  readonly #gates = new Map<string, BudgetGate>()
  /** Flow name → budget name. */
  readonly #flows = new Map<string, string>()

  constructor(clock: Clock) {
    this.#clock = clock
  }

  /** Sets (or changes) what the budget's flows may use of `target`. */
  configure(target: string, budget: string, limits: BudgetLimits): void {
    const key = `${target}|${budget}`
    const gate = this.#gates.get(key)
    if (gate === undefined) {
      this.#gates.set(key, {
        governor: new ConcurrencyGovernor(limits.concurrency),
        rate: limits.rate === undefined ? undefined : new RateGovernor(this.#clock, limits.rate),
      })
      return
    }
    gate.governor.setLimit(limits.concurrency)
    if (limits.rate === undefined) gate.rate = undefined
    else if (gate.rate === undefined) gate.rate = new RateGovernor(this.#clock, limits.rate)
    else gate.rate.setLimit(limits.rate)
  }

  /** The flow's deliveries count against `budget` from now on. */
  assign(flowName: string, budget: string): void {
    this.#flows.set(flowName, budget)
  }

  /** The budget's limits at `target` as configured, or undefined when it has no gate there. */
  limits(target: string, budget: string): BudgetLimits | undefined {
    const gate = this.#gates.get(`${target}|${budget}`)
    if (gate === undefined) return undefined
    return {
      concurrency: gate.governor.limit,
      ...(gate.rate === undefined ? {} : { rate: gate.rate.limit }),
    }
  }

  /** Calls of the budget's flows in flight to `target` now (0 without a gate). */
  inFlight(target: string, budget: string): number {
    return this.#gates.get(`${target}|${budget}`)?.governor.inFlight ?? 0
  }

  /**
   * Waits for a slot and a turn of the flow's budget at `target`; returns its release, or
   * undefined when the flow has no budget gate there. The turn is waited for holding only the
   * budget's slot, never the target's, so a budget at its cap does not hold up other flows.
   */
  async acquire(
    target: string,
    flowName: string | undefined,
    signal: AbortSignal,
  ): Promise<(() => void) | undefined> {
    if (flowName === undefined) return undefined
    const budget = this.#flows.get(flowName)
    const gate = budget === undefined ? undefined : this.#gates.get(`${target}|${budget}`)
    if (gate === undefined) return undefined
    const release = await gate.governor.acquire(signal)
    try {
      await gate.rate?.acquire(signal)
    } catch (error) {
      release()
      throw error
    }
    return release
  }
}
