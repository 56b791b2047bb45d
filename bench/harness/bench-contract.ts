/** @module bench/harness/bench-contract — what a workload (ours or a peer's) is and what it
 * reports. Every figure names the baseline it is compared with, measured in the same run, so the
 * ratio holds on a noisy machine; the report prints both and the ratio.
 */

/** A figure measured by a workload, e.g. `{ key: 'w2.pg.sustainable', value: 1850, unit: 'orders/s' }`. */
export interface BenchFigure {
  /** Stable, dotted, unique in the run: other figures name it as their baseline. */
  readonly key: string
  /** What it is, for the table: "sustainable rate (p99 ack ≤ 100 ms)". */
  readonly label: string
  readonly value: number
  /** `orders/s`, `ms`, `MB`, `CPU-s per 1,000 orders`, `jobs/s`, `count`. */
  readonly unit: string
  /**
   * The key of the figure this one is compared with (same run). The report shows value ÷
   * baseline. Absent only for the baselines themselves (W0's ceilings).
   */
  readonly baseline?: string
  /** The target(s) for this figure, when it has any: reported, never asserted. */
  readonly target?: BenchTarget | readonly BenchTarget[]
}

export interface BenchTarget {
  /** `>=` for rates, `<=` for latencies and memory. */
  readonly op: '>=' | '<='
  /** Either an absolute value in the figure's unit, or a multiple of another figure. */
  readonly value?: number
  readonly timesFigure?: { readonly key: string; readonly times: number }
  /** As the issue states it: "≥ 2,000 orders/s sustained". */
  readonly text: string
}

export interface WorkloadResult {
  /** `W0`…`W5`, or `peer:n8n`, `peer:graphile-worker`, `peer:pg-boss`. */
  readonly id: string
  readonly title: string
  readonly figures: readonly BenchFigure[]
  /** What else was seen: settings, errors, why a figure is missing. */
  readonly notes: readonly string[]
  readonly durationMs: number
  /** Set when the workload could not run (a peer failed to install): the report says why. */
  readonly skipped?: string
}

export interface BenchContext {
  /** `--quick`: seconds per step instead of tens of seconds, smaller counts; for checking a change. */
  readonly quick: boolean
  /** An admin connection string to the local PostgreSQL (the `test` database). */
  readonly pgUrl: string
  /** A new, empty database for this workload; dropped when the run ends. */
  freshDatabase(label: string): Promise<string>
  /** One line of progress ("W2 pg: 800 orders/s, backlog 12"), shown live. */
  progress(message: string): void
  /** Figures measured earlier in this run (W0 runs first), by key. */
  figure(key: string): BenchFigure | undefined
  /** A folder for this run's scratch files (logs, hub configs). */
  readonly scratchDir: string
  /** `--cpu-prof`: hub processes write V8 CPU profiles here (open them in Chrome DevTools). */
  readonly cpuProfileDir?: string
}

export interface Workload {
  readonly id: string
  readonly title: string
  run(ctx: BenchContext): Promise<WorkloadResult>
}

/** The JSON written to `bench/results/<date>.json`. */
export interface BenchRun {
  readonly startedAt: string
  readonly finishedAt: string
  readonly quick: boolean
  readonly command: string
  readonly machine: {
    readonly cpus: number
    readonly cpuModel: string
    readonly memoryGiB: number
    readonly node: string
    readonly postgres: string
    readonly synchronousCommit: string
  }
  readonly workloads: readonly WorkloadResult[]
}
