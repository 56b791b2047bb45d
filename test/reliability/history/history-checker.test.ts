/** @module test/reliability/history/history-checker.test — one synthetic history per anomaly, a clean one, and the ledger rule's failure text. */

import { describe, expect, it } from 'vitest'
import {
  assertLedgerRule,
  checkHistory,
  formatCheckReport,
  LedgerRuleError,
} from '../../../src/reliability/history/history-checker.ts'
import type { CheckResult } from '../../../src/reliability/history/history-checker.ts'
import { EffectsLedger } from '../../../src/sandbox/kit/effects-ledger.ts'
import { HistoryBuilder, T0 } from './history-builder.ts'

/** The anomaly counts only, so each test states every one of them. */
const anomalies = (r: CheckResult) => {
  const { lost, duplicated, stale, stuck, regressions, dlqWrong, halfApplied } = r.counts
  return { lost, duplicated, stale, stuck, regressions, dlqWrong, halfApplied }
}
const NONE = {
  lost: 0,
  duplicated: 0,
  stale: 0,
  stuck: 0,
  regressions: 0,
  dlqWrong: 0,
  halfApplied: 0,
}

/** A ledger snapshot from the simulators' real ledger class. */
function ledgerOf(writes: Record<string, ('create' | 'update')[]>) {
  const ledger = new EffectsLedger(() => T0)
  for (const [key, kinds] of Object.entries(writes)) {
    for (const kind of kinds) ledger.recordEffect({ recordType: 'salesOrder', key }, kind)
  }
  return ledger.snapshot(1, null)
}

describe('checkHistory', () => {
  it('a clean history: delivered versions, an expected dead letter, an unanswered producer', () => {
    const h = new HistoryBuilder()
      .delivered('ORD-1', 1)
      .delivered('ORD-1', 2)
      .delivered('ORD-2', 1)
      .ingested('BAD-1', 1)
      .state('BAD-1', 1, 'running')
      .state('BAD-1', 1, 'retrying')
      .state('BAD-1', 1, 'dead', { detail: { reason: 'mapping: missing sku' } })
      // The producer timed out and the hub never saw the event: ambiguous, not lost.
      .add('producer', 'invoke', 'ingest', 'ORD-9', { version: 1 })
      .add('producer', 'info', 'ingest', 'ORD-9', { version: 1, detail: 'timeout' })
    const ledger = ledgerOf({ 'ORD-1': ['create', 'update'], 'ORD-2': ['create'] })

    const result = checkHistory(h.events, {
      ledger,
      deadlineMs: h.at + 1,
      expectedDeadKeys: ['BAD-1'],
    })

    expect(anomalies(result)).toEqual(NONE)
    expect(result.ok).toBe(true)
    expect(result.counts).toMatchObject({ events: h.events.length, keys: 4, items: 5 })
    expect(() => assertLedgerRule(result)).not.toThrow()
    expect(formatCheckReport(result)).toMatch(/^history check passed/)
  })

  it('lost: the producer got a 2xx and the key never became terminal', () => {
    const h = new HistoryBuilder().delivered('ORD-1', 1).ingested('ORD-2', 1)
    h.state('ORD-2', 1, 'running')

    const result = checkHistory(h.events)

    expect(anomalies(result)).toEqual({ ...NONE, lost: 1 })
    expect(result.examples.lost).toEqual(['ORD-2@1'])
    expect(result.ok).toBe(false)
  })

  it('duplicated: two creates in the ledger, more writes than delivered versions, a repeated apply', () => {
    const h = new HistoryBuilder().delivered('ORD-1', 1).delivered('ORD-2', 1).delivered('ORD-3', 1)
    // The commit-then-drop retry the hub did not resolve by reading first: applied again.
    h.applied('ORD-3', 1)
    const ledger = ledgerOf({
      'ORD-1': ['create', 'create'],
      'ORD-2': ['create', 'update'],
      'ORD-3': ['create'],
    })

    const result = checkHistory(h.events, { ledger })

    expect(anomalies(result)).toEqual({ ...NONE, duplicated: 3 })
    expect(result.examples.duplicated.sort()).toEqual(['ORD-1', 'ORD-2', 'ORD-3'])
    expect(result.findings.find((f) => f.label === 'ORD-1')?.why).toMatch(/2 creates/)
  })

  it('duplicated, from per-key application counts', () => {
    const h = new HistoryBuilder().delivered('ORD-1', 1).delivered('ORD-1', 2).delivered('ORD-2', 1)
    const ledger = new Map([
      ['ORD-1', 2],
      ['ORD-2', 2],
    ])

    expect(anomalies(checkHistory(h.events, { ledger }))).toEqual({ ...NONE, duplicated: 1 })
    // Several targets' snapshots at once, mapped to the history's keys.
    const snapshots = [
      ledgerOf({ 'eid:ORD-1': ['create', 'update'] }),
      ledgerOf({ 'eid:ORD-2': ['create', 'update'] }),
    ]
    const keyed = checkHistory(h.events, {
      ledger: snapshots,
      ledgerKeyOf: (effect) => effect.businessKey.replace(/^eid:/, ''),
    })
    expect(keyed.examples.duplicated).toEqual(['ORD-2'])
    expect(checkHistory(h.events, { ledger: { 'ORD-1': 3 } }).examples.duplicated).toEqual([
      'ORD-1',
    ])
  })

  it('stale: a target applies version 2 after version 3', () => {
    const h = new HistoryBuilder()
    for (const v of [1, 3, 2]) h.delivered('ORD-1', v)

    const result = checkHistory(h.events)

    expect(anomalies(result)).toEqual({ ...NONE, stale: 1 })
    expect(result.examples.stale).toEqual(['ORD-1@2'])
  })

  it('versions compare as integers of any length, and ISO stamps as text', () => {
    const h = new HistoryBuilder()
      .applied('A', '9')
      .applied('A', '10')
      .applied('B', '90071992547409930')
      .applied('B', '90071992547409931')
      .applied('C', '2026-01-01T10:00:00Z')
      .applied('C', '2026-01-01T09:00:00Z')
    const result = checkHistory(h.events)
    expect(result.examples.stale).toEqual(['C@2026-01-01T09:00:00Z'])
  })

  it('stuck: terminal after the deadline, or accepted by the hub and never terminal', () => {
    const h = new HistoryBuilder().delivered('ORD-1', 1)
    const deadlineMs = h.at
    h.delivered('ORD-2', 1)
    // The producer's record is missing (e.g. it was killed), but the hub stored the event.
    h.add('hub', 'ok', 'ingest', 'ORD-3', { version: 1 })

    const result = checkHistory(h.events, { deadlineMs })

    expect(anomalies(result)).toEqual({ ...NONE, stuck: 2 })
    expect(result.findings.find((f) => f.label === 'ORD-2@1')?.why).toMatch(/after the deadline/)
  })

  it('regressions: completed, then running again; a replay of a dead letter is not one', () => {
    const h = new HistoryBuilder().delivered('ORD-1', 1)
    // A zombie worker's late write re-opens a completed run.
    h.state('ORD-1', 1, 'running').state('ORD-1', 1, 'completed')
    h.ingested('ORD-2', 1).state('ORD-2', 1, 'dead', { detail: { reason: 'max attempts' } })
    h.add('hub', 'ok', 'replay', 'ORD-2', { version: 1 })
    h.state('ORD-2', 1, 'pending').state('ORD-2', 1, 'running').state('ORD-2', 1, 'completed')

    const result = checkHistory(h.events)

    expect(anomalies(result)).toEqual({ ...NONE, regressions: 1 })
    expect(result.findings[0]?.why).toBe('terminal completed followed by running')
  })

  it('regressions are tracked per run when one key has several', () => {
    const h = new HistoryBuilder().ingested('ORD-1', 1)
    h.state('ORD-1', 1, 'completed', { detail: { run: 'r1' } })
    h.state('ORD-1', 1, 'running', { detail: { run: 'r2' } })
    h.state('ORD-1', 1, 'completed', { detail: { run: 'r2' } })
    expect(anomalies(checkHistory(h.events))).toEqual(NONE)
    h.state('ORD-1', 1, 'dead', { detail: { run: 'r1', reason: 'x' } })
    expect(checkHistory(h.events).counts.regressions).toBe(1)
  })

  it('states recorded before the run id was known belong to the run that names it later', () => {
    const h = new HistoryBuilder().ingested('ORD-1', 1)
    h.state('ORD-1', 1, 'pending').state('ORD-1', 1, 'running')
    h.state('ORD-1', 1, 'completed', { detail: { run: 'r1' } })
    const result = checkHistory(h.events)
    expect(anomalies(result)).toEqual(NONE)
  })

  it('DLQ: no reason, an applied effect, or a key that should have been delivered', () => {
    const h = new HistoryBuilder()
    h.ingested('NO-REASON', 1).state('NO-REASON', 1, 'dead')
    h.ingested('APPLIED', 1).applied('APPLIED', 1)
    h.state('APPLIED', 1, 'dead', { value: { state: 'dead', reason: 'timeout' } })
    h.ingested('GOOD', 1).state('GOOD', 1, 'dead', { detail: { reason: 'bug' } })
    h.ingested('BAD', 1).state('BAD', 1, 'dead', { detail: { reason: 'validation' } })

    const result = checkHistory(h.events, { expectedDeadKeys: ['BAD', 'NO-REASON', 'APPLIED'] })

    expect(anomalies(result)).toEqual({ ...NONE, dlqWrong: 3 })
    expect(result.examples.dlqWrong).toEqual(['NO-REASON@1', 'APPLIED@1', 'GOOD@1'])
    expect(anomalies(checkHistory(h.events)).dlqWrong).toBe(2)
  })

  it('info: an unanswered ingest with no trace is fine; one the hub took and never finished is half-applied', () => {
    const h = new HistoryBuilder()
      .add('producer', 'invoke', 'ingest', 'ORD-1', { version: 1 })
      .add('producer', 'info', 'ingest', 'ORD-1', { version: 1 })
    expect(anomalies(checkHistory(h.events))).toEqual(NONE)

    h.add('producer', 'invoke', 'ingest', 'ORD-2', { version: 1 })
      .add('hub', 'ok', 'ingest', 'ORD-2', { version: 1 })
      .add('producer', 'info', 'ingest', 'ORD-2', { version: 1 })
      .state('ORD-2', 1, 'running')

    const result = checkHistory(h.events)
    expect(anomalies(result)).toEqual({ ...NONE, stuck: 1, halfApplied: 1 })
    expect(result.findings[0]?.why).toMatch(/^half-applied/)
  })

  it('recovery: from each fault to the next terminal run accepted before it', () => {
    const h = new HistoryBuilder().ingested('ORD-1', 1).ingested('ORD-2', 1)
    h.add('killer', 'info', 'fault', 'kill -9 worker')
    h.at += 990
    h.state('ORD-1', 1, 'completed')
    h.add('killer', 'info', 'fault', 'kill -9 worker')
    h.at += 2990
    h.state('ORD-2', 1, 'completed')

    const result = checkHistory(h.events)

    expect(result.recoveryMs).toEqual({ p50: 1000, max: 3000, faults: 2 })
    expect(result.ok).toBe(true)
    expect(result.counts.keys).toBe(2)
  })

  it('assertLedgerRule throws the report, naming each anomaly and example', () => {
    const h = new HistoryBuilder().ingested('ORD-7', 3)
    for (const v of [2, 1]) h.delivered('ORD-8', v)

    const result = checkHistory(h.events)
    expect(() => assertLedgerRule(result)).toThrow(LedgerRuleError)
    const report = formatCheckReport(result)
    expect(report).toMatch(/^history check FAILED: 2 anomalies/)
    expect(report).toContain('lost (1):\n  - ORD-7@3: producer acked')
    expect(report).toContain('stale (1):\n  - ORD-8@1: applied at target:netsuite after version 2')
    expect(report).toContain('lost 1, duplicated 0, stale 1, stuck 0')
  })

  it('orders the events itself and keeps only the first 10 examples of each kind', () => {
    const h = new HistoryBuilder()
    for (let i = 0; i < 25; i++) h.ingested(`K-${i}`, 1)
    const result = checkHistory([...h.events].reverse())
    expect(result.counts.lost).toBe(25)
    expect(result.examples.lost).toHaveLength(10)
    expect(formatCheckReport(result)).toContain('lost (25, first 10 shown):')
  })
})
