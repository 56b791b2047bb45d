/** @module reliability/model/delivery-model — a pure model of the delivery state machine (docs/state-machines.md) that predicts, command by command, what the engine and a real store must show. */

export type ModelRunState = 'pending' | 'running' | 'retrying' | 'completed' | 'dead'
export type ModelStepState = 'started' | 'in_doubt' | 'failed' | 'completed'

/** How the target answers every call sent during one batch. */
export type TargetMode =
  | { kind: 'ok' }
  /** A retryable 5xx; `applied` means the target committed before failing. */
  | { kind: 'fail5xx'; applied: boolean }
  | { kind: 'throttle'; retryAfterMs: number }
  /** The effect is applied, then the caller times out: the outcome is unknown. */
  | { kind: 'timeoutAfterCommit' }
  /** A validation error: nothing applied, and it never will be. */
  | { kind: 'reject' }
  /** The worker dies while the call is in flight (after the target applied it, or before). */
  | { kind: 'hang'; applied: boolean }
  /** The call succeeds and the step is recorded, then the worker dies before the run completes. */
  | { kind: 'okThenCrash' }

export interface ModelConfig {
  maxAttempts: number
  /** The engine's `random()` is this constant, so delays are predictable whatever the order. */
  random: number
  leaseMs: number
  baseDelayMs: number
  maxDelayMs: number
  throttleJitterMs: number
}

/** What the target returns for an applied effect (and what a lookup reads back). */
export type ModelReceipt = { id: string; version: string; appliedAt: number; by: string }

export type DeadReason = 'validation' | 'cap' | 'interrupted'

export interface ModelRun {
  index: number
  messageId: string
  businessKey: string
  state: ModelRunState
  attempt: number
  nextRunAt: number
  /** Set while `running`: when another worker may take the run over. */
  leaseUntil: number | null
  step: { state: ModelStepState; attempts: number; output: ModelReceipt | null } | null
  deadReason: DeadReason | null
  /** Calls this run's message caused at the target. */
  performs: number
  lookups: number
}

export interface DeliveryModel {
  readonly config: ModelConfig
  now: number
  /** The live engine's worker id; a crash replaces it. */
  worker: string
  engines: number
  messages: Array<{ messageId: string; businessKey: string }>
  runs: ModelRun[]
  /** Applications at the target per message id (the delivery's version). */
  applications: Record<string, ModelReceipt[]>
  /** The live engine's in-memory Retry-After holds per business key (lost with the process). */
  holds: Record<string, number>
  /** Runs whose step the last command may have changed. */
  touched: Set<number>
  /** How often each transition happened (coverage, for the report). */
  seen: Record<string, number>
}

export function createModel(config: ModelConfig, now: number, workerPrefix: string): DeliveryModel {
  return {
    config,
    now,
    worker: `${workerPrefix}-1`,
    engines: 1,
    messages: [],
    runs: [],
    applications: {},
    holds: {},
    touched: new Set(),
    seen: {},
  }
}

const saw = (m: DeliveryModel, transition: string): void => {
  m.seen[transition] = (m.seen[transition] ?? 0) + 1
}

export const isTerminal = (run: ModelRun): boolean =>
  run.state === 'completed' || run.state === 'dead'
const unfinished = (run: ModelRun): boolean =>
  run.state === 'pending' || run.state === 'running' || run.state === 'retrying'

function receiptFor(run: ModelRun, appliedAt: number, by: string): ModelReceipt {
  return { id: `${run.businessKey}@${run.messageId}`, version: run.messageId, appliedAt, by }
}

/** A new message starts one pending run; a redelivered one (same message id) changes nothing. */
export function modelIngest(m: DeliveryModel, messageId: string, businessKey: string): boolean {
  if (m.messages.some((x) => x.messageId === messageId)) return false
  m.messages.push({ messageId, businessKey })
  const index = m.runs.length
  m.runs.push({
    index,
    messageId,
    businessKey,
    state: 'pending',
    attempt: 0,
    nextRunAt: m.now,
    leaseUntil: null,
    step: null,
    deadReason: null,
    performs: 0,
    lookups: 0,
  })
  return true
}

/** Due (or abandoned by a dead lease holder), and its business key is free. */
export function claimable(m: DeliveryModel): ModelRun[] {
  const due = (r: ModelRun): boolean =>
    ((r.state === 'pending' || r.state === 'retrying') && r.nextRunAt <= m.now) ||
    (r.state === 'running' && (r.leaseUntil ?? 0) <= m.now)
  const keyFree = (r: ModelRun): boolean =>
    !m.runs.some(
      (o) =>
        o.businessKey === r.businessKey &&
        ((o.index < r.index && unfinished(o)) ||
          (o.index !== r.index && o.state === 'running' && (o.leaseUntil ?? 0) > m.now)),
    )
  return m.runs
    .filter((r) => due(r) && keyFree(r))
    .sort((a, b) => a.nextRunAt - b.nextRunAt || a.index - b.index)
}

/** Takes leases; re-taking an expired lease counts the dead holder's attempt. */
export function modelClaim(m: DeliveryModel, limit = 32): ModelRun[] {
  const runs = claimable(m).slice(0, limit)
  for (const r of runs) {
    if (r.state === 'running') {
      r.attempt += 1
      saw(m, 'lease-expired-reclaim')
    }
    r.state = 'running'
    r.leaseUntil = m.now + m.config.leaseMs
  }
  return runs
}

/** One `runOnce` of the live engine with the target answering `mode`. */
export function modelRunOnce(
  m: DeliveryModel,
  mode: TargetMode,
): { claimed: number; hung: number } {
  const runs = modelClaim(m)
  let hung = 0
  for (const r of runs) if (execute(m, r, mode) === 'hung') hung += 1
  return { claimed: runs.length, hung }
}

function execute(m: DeliveryModel, run: ModelRun, mode: TargetMode): 'hung' | 'done' {
  const cfg = m.config
  if (run.attempt >= cfg.maxAttempts) {
    saw(m, 'dead-interrupted')
    return dead(run, 'interrupted', run.attempt)
  }
  // The flow returned: the run completes, unless the worker dies first (still running then).
  const finish = (receipt: ModelReceipt): 'hung' | 'done' => {
    if (mode.kind !== 'okThenCrash') return complete(run, receipt)
    if (run.step !== null) run.step.output = receipt
    return 'hung'
  }
  const step = run.step
  if (step?.state === 'completed' && step.output !== null) {
    saw(m, 'memoized-step')
    return finish(step.output)
  }
  const hold = m.holds[run.businessKey]
  // The engine's own Retry-After hold is checked before any call, lookups included.
  if (hold !== undefined && hold > m.now) {
    saw(m, 'held-by-retry-after')
    return throttled(m, run, hold - m.now)
  }
  m.touched.add(run.index)
  if (step !== null && (step.state === 'started' || step.state === 'in_doubt')) {
    run.lookups += 1
    const found = m.applications[run.messageId]?.[0]
    saw(
      m,
      found === undefined ? `lookup-empty-after-${step.state}` : `lookup-found-after-${step.state}`,
    )
    if (found !== undefined) {
      step.state = 'completed'
      return finish(found)
    }
  }
  saw(m, `send-${mode.kind}`)
  run.step = { state: 'started', attempts: (step?.attempts ?? 0) + 1, output: null }
  run.performs += 1
  const current = run.step
  const apply = (): ModelReceipt => {
    const receipt = receiptFor(run, m.now, m.worker)
    ;(m.applications[run.messageId] ??= []).push(receipt)
    return receipt
  }
  switch (mode.kind) {
    case 'ok':
    case 'okThenCrash':
      current.state = 'completed'
      return finish(apply())
    case 'hang':
      if (mode.applied) apply()
      return 'hung'
    case 'fail5xx':
    case 'timeoutAfterCommit':
      if (mode.kind === 'timeoutAfterCommit' || mode.applied) apply()
      current.state = 'in_doubt'
      return failed(m, run)
    case 'throttle':
      m.holds[run.businessKey] = Math.max(m.holds[run.businessKey] ?? 0, m.now + mode.retryAfterMs)
      current.state = 'failed'
      return throttled(m, run, mode.retryAfterMs)
    case 'reject':
      current.state = 'failed'
      saw(m, 'dead-validation')
      return dead(run, 'validation', run.attempt + 1)
  }
}

/** The worker records the run's next resting state and gives up its lease. */
function release(run: ModelRun, state: ModelRunState, attempt = run.attempt): 'done' {
  run.state = state
  run.attempt = attempt
  run.leaseUntil = null
  return 'done'
}

function complete(run: ModelRun, receipt: ModelReceipt): 'done' {
  if (run.step !== null) run.step.output = receipt
  return release(run, 'completed')
}

function dead(run: ModelRun, reason: DeadReason, attempt: number): 'done' {
  run.deadReason = reason
  return release(run, 'dead', attempt)
}

function retry(m: DeliveryModel, run: ModelRun, delayMs: number, attempt: number): 'done' {
  run.nextRunAt = m.now + delayMs
  return release(run, 'retrying', attempt)
}

/** Throttling honours Retry-After (plus jitter) and does not burn an attempt. */
function throttled(m: DeliveryModel, run: ModelRun, waitMs: number): 'done' {
  const jitter = Math.floor(m.config.random * m.config.throttleJitterMs)
  return retry(m, run, Math.max(0, waitMs) + jitter, run.attempt)
}

/** A retryable or in-doubt failure burns an attempt; the cap dead-letters. */
function failed(m: DeliveryModel, run: ModelRun): 'done' {
  const cfg = m.config
  const next = run.attempt + 1
  if (next >= cfg.maxAttempts) {
    saw(m, 'dead-cap')
    return dead(run, 'cap', next)
  }
  const ceiling = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** Math.min(next - 1, 30))
  return retry(m, run, Math.floor(cfg.random * ceiling), next)
}

/** An operator replays every dead run: pending again, attempt 0, completed steps kept. */
export function modelReplay(m: DeliveryModel): number {
  let replayed = 0
  for (const r of m.runs) {
    if (r.state !== 'dead') continue
    r.state = 'pending'
    r.attempt = 0
    r.nextRunAt = m.now
    r.deadReason = null
    saw(m, 'replayed')
    replayed += 1
  }
  return replayed
}

/** The worker process died: a new engine (new id, no in-memory holds) takes over. */
export function modelRestart(m: DeliveryModel, workerPrefix: string): void {
  m.engines += 1
  m.worker = `${workerPrefix}-${m.engines}`
  m.holds = {}
}

/** The next moment anything changes by the passage of time alone, if any. */
export function nextEventAt(m: DeliveryModel): number | undefined {
  const times: number[] = []
  for (const r of m.runs) {
    if ((r.state === 'pending' || r.state === 'retrying') && r.nextRunAt > m.now) {
      times.push(r.nextRunAt)
    }
    if (r.state === 'running' && r.leaseUntil !== null && r.leaseUntil > m.now) {
      times.push(r.leaseUntil)
    }
  }
  for (const until of Object.values(m.holds)) if (until > m.now) times.push(until)
  return times.length === 0 ? undefined : Math.min(...times)
}

/** What the dead letter's reason must say for a run the model dead-lettered. */
export function deadReasonPattern(run: ModelRun): RegExp {
  if (run.deadReason === 'validation') return /^validation: /
  if (run.deadReason === 'interrupted') {
    return new RegExp(`^gave up after ${run.attempt} attempts: the run was interrupted`)
  }
  return new RegExp(`^gave up after ${run.attempt} attempts: `)
}
