/** @module bench/harness/rate-search — the highest constant arrival rate a system sustains:
 * step the rate up geometrically until a step fails its criterion, then bisect between the last
 * good step and the first bad one. Each step is a fresh open-model run, so a slow step cannot
 * hide behind a slowed-down client.
 */

export interface RateStep<T> {
  readonly rate: number
  readonly ok: boolean
  /** One line for the report and the progress display: "1,200/s: p99 41 ms, 0 errors". */
  readonly summary: string
  readonly detail: T
}

export interface RateSearchOptions<T> {
  readonly start: number
  /** Each step multiplies the rate by this until a step fails (e.g. 1.5). */
  readonly factor: number
  readonly max: number
  /** Bisection steps after the first failure (each halves the gap). */
  readonly refine: number
  measure(rate: number): Promise<{ ok: boolean; summary: string; detail: T }>
  progress(message: string): void
}

export interface RateSearchResult<T> {
  /** The highest rate that passed; null when even the first step failed. */
  readonly sustainable: number | null
  readonly steps: readonly RateStep<T>[]
  /** The step at the sustainable rate. */
  readonly best: RateStep<T> | null
}

export async function searchSustainableRate<T>(
  options: RateSearchOptions<T>,
): Promise<RateSearchResult<T>> {
  const steps: RateStep<T>[] = []
  const run = async (rate: number): Promise<RateStep<T>> => {
    const rounded = Math.max(1, Math.round(rate))
    options.progress(`trying ${rounded.toLocaleString('en-US')}/s`)
    const step = { rate: rounded, ...(await options.measure(rounded)) }
    options.progress(`${step.ok ? 'sustained' : 'not sustained'}: ${step.summary}`)
    steps.push(step)
    return step
  }
  let good: RateStep<T> | null = null
  let bad: RateStep<T> | null = null
  for (let rate = options.start; rate <= options.max; rate *= options.factor) {
    const step = await run(rate)
    if (!step.ok) {
      bad = step
      break
    }
    good = step
  }
  for (let i = 0; i < options.refine && bad !== null; i += 1) {
    const low = good?.rate ?? 0
    const mid = (low + bad.rate) / 2
    if (bad.rate - low < Math.max(2, low * 0.05)) break
    const step = await run(mid)
    if (step.ok) good = step
    else bad = step
  }
  return { sustainable: good?.rate ?? null, steps, best: good }
}
