/** @module test/cli/hub-records-fixture — runs, steps and dead letters as the hub's API returns them. */
import type { DeadLetterRecord, RunRecord, StepRecord } from '../../src/store/store-contract.ts'

export const T0 = Date.parse('2026-01-01T09:30:00Z')

export function run(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    tenantId: 't',
    flowName: 'order-to-netsuite',
    businessKey: `shopify:order:${id}`,
    state: 'completed',
    attempt: 0,
    nextRunAt: T0,
    createdAt: T0,
    updatedAt: T0 + 1000,
    completedAt: T0 + 1000,
    lastError: null,
    output: null,
    inboxId: id,
    replayScope: null,
    replayOf: null,
    ...overrides,
  }
}

export function step(name: string, overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    runId: '7',
    name,
    kind: 'delivery',
    state: 'completed',
    attempts: 1,
    output: null,
    idempotencyKey: 'k',
    target: 'netsuite',
    operation: 'createSalesOrder',
    startedAt: T0,
    finishedAt: T0 + 10,
    lastError: null,
    ...overrides,
  }
}

export function deadLetter(n: number): DeadLetterRecord {
  const id = String(n)
  return {
    id: String(5000 - n),
    tenantId: 't',
    runId: id,
    flowName: 'order-to-netsuite',
    businessKey: `shopify:order:${id}`,
    reason: 'validation: item SKU-9 does not exist in NetSuite',
    error: { type: 'validation', message: 'item SKU-9 does not exist', code: 'INVALID_KEY_OR_REF' },
    attempts: 1,
    deadAt: T0,
    replayedAt: null,
    enqueuedAt: T0,
    correlationId: `m-${id}`,
    errorClass: 'validation',
    message: {
      id,
      tenantId: 't',
      sourceSystem: 'shopify',
      sourceMessageId: `m-${id}`,
      connection: 'main-store',
      topic: 'orders/create',
      payload: '{}',
      headers: {},
      receivedAt: T0,
      triggeredAt: null,
    },
  }
}
