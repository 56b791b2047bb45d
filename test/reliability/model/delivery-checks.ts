// The invariants, checked against the real store and target after every command, and the model's exact prediction of every run, step and target call.
import { isDeepStrictEqual } from 'node:util'
import {
  deadReasonPattern,
  isTerminal,
  type DeliveryModel,
  type ModelRun,
} from '../../../src/reliability/model/delivery-model.ts'
import type { RunRecord, StepRecord } from '../../../src/store/store-contract.ts'
import { START_MS, type DeliverySystem } from './delivery-system.ts'

type Problems = string[]

function label(run: ModelRun, id: string | undefined): string {
  return `run #${run.index} (${run.messageId}, ${run.businessKey}, id ${id ?? '?'})`
}

/** Throws a readable list of every broken invariant and model disagreement, or returns. */
export async function checkAfter(
  m: DeliveryModel,
  sys: DeliverySystem,
  command: string,
  opts: { replay?: boolean; extra?: string[] } = {},
): Promise<void> {
  const problems: Problems = [
    ...(opts.extra ?? []),
    ...sys.target.violations.splice(0),
    ...sys.observed.violations.splice(0),
    ...sys.errors.splice(0).map((e) => `engine reported an error: ${e}`),
  ]
  if (sys.clock.now() !== m.now) problems.push(`clock ${sys.clock.now()}, model ${m.now}`)
  // Nothing reached the store or the target since the last check (the clock moved, say): the
  // stored state is the one just checked, so reading it again would prove nothing new.
  const activity = sys.observed.calls + sys.target.calls.length
  if (activity === sys.checkedAt && problems.length === 0 && m.touched.size === 0) return
  const real = await sys.store.runList({ tenantId: sys.tenantId, limit: 1_000 })
  if (real.length !== m.runs.length) {
    problems.push(
      `${real.length} runs stored, the model has ${m.runs.length} (one per new message)`,
    )
  }
  const byId = new Map(real.map((r) => [r.id, r]))
  for (const w of sys.observed.writes.splice(0)) {
    if (sys.seen.get(w.runId)?.state === 'completed') {
      problems.push(`${w.method} was accepted on completed run ${w.runId}`)
    }
    if (w.method.startsWith('step') && !m.touched.has(sys.runIds.indexOf(w.runId))) {
      problems.push(`${w.method} on run ${w.runId}, whose step the model did not expect to change`)
    }
  }
  for (const run of m.runs) {
    const id = sys.runIds[run.index]
    const r = id === undefined ? undefined : byId.get(id)
    if (id === undefined || r === undefined) {
      problems.push(`${label(run, id)} is missing from the store`)
      continue
    }
    checkRun(m, sys, run, r, opts.replay === true, problems)
  }
  for (const index of m.touched) {
    const run = m.runs[index]
    const id = sys.runIds[index] ?? ''
    if (run !== undefined) {
      checkStep(sys, run, await sys.store.runGet({ tenantId: sys.tenantId, runId: id }), problems)
    }
  }
  m.touched.clear()
  sys.checkedAt = sys.observed.calls + sys.target.calls.length
  if (problems.length > 0) {
    throw new Error(
      `after ${command} (clock +${m.now - START_MS} ms):\n  - ${problems.join('\n  - ')}`,
    )
  }
}

function checkRun(
  m: DeliveryModel,
  sys: DeliverySystem,
  run: ModelRun,
  r: RunRecord,
  replay: boolean,
  problems: Problems,
): void {
  const name = label(run, r.id)
  // Past the cap only through leases lost after the cap was reached: held by a worker that died
  // before executing, or dead-lettered as interrupted by the next live worker (known gap).
  const lostLeasesOnly =
    run.state === 'running' || (run.state === 'dead' && run.deadReason === 'interrupted')
  if (r.attempt > m.config.maxAttempts && (sys.strictAttemptCounter || !lostLeasesOnly)) {
    problems.push(`${name}: attempt ${r.attempt} exceeds the cap ${m.config.maxAttempts}`)
  }
  const before = sys.seen.get(r.id)
  if (before?.state === 'completed' && r.state !== 'completed') {
    problems.push(`${name}: completed run regressed to ${r.state}`)
  }
  if (before?.state === 'dead' && r.state !== 'dead' && !(replay && r.state === 'pending')) {
    problems.push(`${name}: dead run became ${r.state} without a replay`)
  }
  if (r.state !== run.state) problems.push(`${name}: state ${r.state}, model says ${run.state}`)
  if (r.attempt !== run.attempt) {
    problems.push(`${name}: attempt ${r.attempt}, model says ${run.attempt}`)
  }
  if ((run.state === 'pending' || run.state === 'retrying') && r.nextRunAt !== run.nextRunAt) {
    problems.push(`${name}: nextRunAt ${r.nextRunAt}, model says ${run.nextRunAt}`)
  }
  const output = r.state === 'completed' ? JSON.stringify(r.output) : undefined
  if (run.state === 'completed' && !isDeepStrictEqual(r.output, { receipt: run.step?.output })) {
    problems.push(`${name}: output ${output}, model says ${JSON.stringify(run.step?.output)}`)
  }
  if (before?.output !== undefined && !isDeepStrictEqual(JSON.parse(before.output), r.output)) {
    problems.push(`${name}: completed output changed from ${before.output} to ${output}`)
  }
  const firstOutput = before?.output ?? output
  sys.seen.set(r.id, {
    state: r.state,
    ...(firstOutput === undefined ? {} : { output: firstOutput }),
    ...(before?.stepOutput === undefined ? {} : { stepOutput: before.stepOutput }),
  })
  const applied = sys.target.applications.get(run.messageId)?.length ?? 0
  const expected = m.applications[run.messageId]?.length ?? 0
  if (applied > 1) problems.push(`${name}: effect applied ${applied} times (exactly-once broken)`)
  if (applied !== expected) {
    problems.push(`${name}: applied ${applied} times, model says ${expected}`)
  }
  const performs = sys.target.count('perform', run.messageId)
  const lookups = sys.target.count('lookup', run.messageId)
  if (performs !== run.performs || lookups !== run.lookups) {
    problems.push(
      `${name}: ${performs} performs and ${lookups} lookups, model says ${run.performs} and ${run.lookups}`,
    )
  }
}

function checkStep(
  sys: DeliverySystem,
  run: ModelRun,
  stored: { steps: StepRecord[] } | undefined,
  problems: Problems,
): void {
  const id = sys.runIds[run.index] ?? ''
  const step = stored?.steps.find((s) => s.name === 'push')
  const name = label(run, id)
  if (run.step === null) {
    if (step !== undefined) problems.push(`${name}: step ${step.state} exists, the model has none`)
    return
  }
  if (step === undefined) {
    problems.push(`${name}: no step stored, model says ${run.step.state}`)
    return
  }
  if (step.state !== run.step.state || step.attempts !== run.step.attempts) {
    problems.push(
      `${name}: step ${step.state} after ${step.attempts} attempts, model says ${run.step.state} after ${run.step.attempts}`,
    )
  }
  if (step.state !== 'completed') return
  if (!isDeepStrictEqual(step.output, run.step.output)) {
    problems.push(
      `${name}: step output ${JSON.stringify(step.output)}, model says ${JSON.stringify(run.step.output)}`,
    )
  }
  const seen = sys.seen.get(id)
  if (
    seen?.stepOutput !== undefined &&
    !isDeepStrictEqual(JSON.parse(seen.stepOutput), step.output)
  ) {
    problems.push(`${name}: completed step output changed from ${seen.stepOutput}`)
  }
  if (seen !== undefined && seen.stepOutput === undefined) {
    seen.stepOutput = JSON.stringify(step.output)
  }
}

/** After heal: every message terminal, for a reason the model expects, applied once if delivered. */
export async function checkHealed(m: DeliveryModel, sys: DeliverySystem): Promise<void> {
  const problems: Problems = []
  const letters = await sys.store.deadLetterList({ tenantId: sys.tenantId, limit: 1_000 })
  const reasons = new Map(letters.map((l) => [l.runId, l.reason]))
  for (const run of m.runs) {
    const id = sys.runIds[run.index] ?? ''
    const name = label(run, id)
    const stored = await sys.store.runGet({ tenantId: sys.tenantId, runId: id })
    if (stored === undefined || !isTerminal(run) || stored.state !== run.state) {
      problems.push(`${name}: not terminal after heal (${stored?.state}, model ${run.state})`)
      continue
    }
    checkStep(sys, run, stored, problems)
    const applied = sys.target.applications.get(run.messageId)?.length ?? 0
    if (stored.state === 'completed') {
      if (applied !== 1) problems.push(`${name}: completed but applied ${applied} times`)
      const step = stored.steps.find((s) => s.name === 'push')
      const seen = sys.seen.get(id)?.stepOutput
      if (seen === undefined || !isDeepStrictEqual(JSON.parse(seen), step?.output)) {
        problems.push(
          `${name}: final step output ${JSON.stringify(step?.output)}, first seen ${seen}`,
        )
      }
      continue
    }
    if (applied > 1) problems.push(`${name}: dead and applied ${applied} times`)
    const reason = reasons.get(id)
    if (reason === undefined || !deadReasonPattern(run).test(reason)) {
      problems.push(
        `${name}: dead with reason ${JSON.stringify(reason)}, expected ${String(deadReasonPattern(run))}`,
      )
    }
  }
  if (problems.length > 0) throw new Error(`after heal:\n  - ${problems.join('\n  - ')}`)
}
