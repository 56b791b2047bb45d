/** @module reliability/history/history-check-report — the checker's result, how findings are collected, and the text a failing test prints. */

export const ANOMALY_KINDS = [
  'lost',
  'duplicated',
  'stale',
  'stuck',
  'regressions',
  'dlqWrong',
] as const
export type AnomalyKind = (typeof ANOMALY_KINDS)[number]

export interface CheckCounts extends Record<AnomalyKind, number> {
  readonly events: number
  /** Distinct business keys. */
  readonly keys: number
  /** Distinct (key, version) pairs: lost, stale, stuck and dlqWrong count these; duplicated counts keys. */
  readonly items: number
  /** Stuck items whose producer got only an ambiguous `info`: a subset of `stuck`. */
  readonly halfApplied: number
}

export interface CheckFinding {
  readonly kind: AnomalyKind
  /** `key@version`, or the key alone. */
  readonly label: string
  readonly why: string
}

export interface CheckResult {
  readonly ok: boolean
  readonly counts: CheckCounts
  /** The first 10 labels of each anomaly. */
  readonly examples: Record<AnomalyKind, string[]>
  /** The first 10 findings of each anomaly, with the reason. */
  readonly findings: readonly CheckFinding[]
  /** Per fault: time until work accepted before it next reached a terminal state. */
  readonly recoveryMs?: { readonly p50: number; readonly max: number; readonly faults: number }
}

const MAX_EXAMPLES = 10

/** Collects findings, each (kind, label) once, keeping the first few of each kind as examples. */
export class Findings {
  readonly list: CheckFinding[] = []
  readonly #seen = new Map<AnomalyKind, Set<string>>(ANOMALY_KINDS.map((k) => [k, new Set()]))

  add(kind: AnomalyKind, label: string, why: string): void {
    const seen = this.#seen.get(kind)
    if (seen === undefined || seen.has(label)) return
    seen.add(label)
    if (seen.size <= MAX_EXAMPLES) this.list.push({ kind, label, why })
  }

  counts(): Record<AnomalyKind, number> {
    return Object.fromEntries(
      ANOMALY_KINDS.map((k) => [k, this.#seen.get(k)?.size ?? 0]),
    ) as Record<AnomalyKind, number>
  }

  examples(): Record<AnomalyKind, string[]> {
    const out = Object.fromEntries(ANOMALY_KINDS.map((k) => [k, [] as string[]]))
    for (const f of this.list) out[f.kind]?.push(f.label)
    return out as Record<AnomalyKind, string[]>
  }
}

/** A multi-line report: the verdict, every count, recovery times and the examples with reasons. */
export function formatCheckReport(result: CheckResult): string {
  const c = result.counts
  const anomalies = ANOMALY_KINDS.reduce((total, k) => total + c[k], 0)
  const lines = [
    result.ok
      ? `history check passed: ${c.events} events, ${c.keys} keys, ${c.items} items`
      : `history check FAILED: ${anomalies} anomalies in ${c.events} events, ${c.keys} keys, ${c.items} items`,
    `  lost ${c.lost}, duplicated ${c.duplicated}, stale ${c.stale}, stuck ${c.stuck} ` +
      `(half-applied ${c.halfApplied}), regressions ${c.regressions}, dlqWrong ${c.dlqWrong}`,
  ]
  if (result.recoveryMs !== undefined) {
    const r = result.recoveryMs
    lines.push(`  recovery after faults: p50 ${r.p50} ms, max ${r.max} ms (${r.faults} faults)`)
  }
  for (const kind of ANOMALY_KINDS) {
    if (c[kind] === 0) continue
    const shown = result.findings.filter((f) => f.kind === kind)
    const more = c[kind] - shown.length
    lines.push(`${kind} (${c[kind]}${more > 0 ? `, first ${shown.length} shown` : ''}):`)
    for (const f of shown) lines.push(`  - ${f.label}: ${f.why}`)
  }
  return lines.join('\n')
}

/** Thrown by {@link assertLedgerRule}; carries the whole result for tests that want to dig in. */
export class LedgerRuleError extends Error {
  readonly result: CheckResult

  constructor(result: CheckResult) {
    super(formatCheckReport(result))
    this.name = 'LedgerRuleError'
    this.result = result
  }
}

/** The campaign's ledger rule (§C2): throws a {@link LedgerRuleError} unless every anomaly count is 0. */
export function assertLedgerRule(result: CheckResult): void {
  if (!ANOMALY_KINDS.every((k) => result.counts[k] === 0)) throw new LedgerRuleError(result)
}
