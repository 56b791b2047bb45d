/** @module store/store-conformance-waits — conformance: durable waits and the events that end them. */
import { describe, expect, it } from 'vitest'
import {
  claim,
  claimOne,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'
import type { ClaimedRun, EventSignalParams, RunWaitParams } from './store-contract.ts'

const KEY = 'shipment-confirmed:order-1'
const DEADLINE = T0 + 3_600_000

function shipped(tenantId: string, now: number, eventId = 'evt-1'): EventSignalParams {
  return {
    tenantId,
    eventId,
    correlationKey: KEY,
    name: 'shipment.confirmed',
    payload: { tracking: '1Z999', lines: [1, 2], carrier: 'UPS' },
    now,
  }
}

/** The usual wait: run `held` waits at step `name` for KEY until `deadline`. */
function waitFor(held: ClaimedRun, now: number, name: string, deadline = DEADLINE): RunWaitParams {
  return { ...lease(held, now), name, correlationKey: KEY, deadline }
}

export function describeWaits(ctx: ConformanceContext): void {
  describe('waits and signals', () => {
    it('suspends a run without its lease until the deadline, and the claim gives it back then', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      expect(
        await ctx.store.runWait({
          ...lease(held, T0 + 1),
          name: 'await-shipment',
          correlationKey: KEY,
          deadline: DEADLINE,
          carried: [{ name: 'map', kind: 'local', output: { ok: true } }],
        }),
      ).toEqual({ held: true, event: null })
      const run = await ctx.store.runGet({ tenantId, runId })
      expect(run).toMatchObject({ state: 'waiting', nextRunAt: DEADLINE })
      expect(run?.steps.map((s) => [s.name, s.kind, s.state]).sort()).toEqual([
        ['await-shipment', 'wait', 'started'],
        ['map', 'local', 'completed'],
      ])
      // The old lease writes nothing more.
      expect(await ctx.store.runComplete({ ...lease(held, T0 + 2), output: null })).toBe(false)
      expect(await claim(ctx.store, tenantId, DEADLINE - 1)).toEqual([])
      const resumed = await claimOne(ctx.store, tenantId, DEADLINE)
      expect(resumed).toMatchObject({ id: runId, attempt: held.attempt })
      expect(resumed.leaseVersion).toBeGreaterThan(held.leaseVersion)
      expect(resumed.steps.find((s) => s.name === 'await-shipment')?.output).toEqual({
        waiting: { correlationKey: KEY, deadline: DEADLINE },
      })
    })

    it('completes the wait with a signalled event, makes the run due now, and ignores a repeat', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.runWait(waitFor(held, T0 + 1, 'await-shipment'))
      expect(await ctx.store.eventSignal(shipped(tenantId, T0 + 50))).toEqual({
        duplicate: false,
        woke: [runId],
      })
      expect(await ctx.store.eventSignal(shipped(tenantId, T0 + 60))).toEqual({
        duplicate: true,
        woke: [],
      })
      const resumed = await claimOne(ctx.store, tenantId, T0 + 50)
      expect(resumed.steps.find((s) => s.name === 'await-shipment')).toMatchObject({
        state: 'completed',
        output: {
          event: {
            eventId: 'evt-1',
            name: 'shipment.confirmed',
            payload: { tracking: '1Z999', lines: [1, 2], carrier: 'UPS' },
            receivedAt: T0 + 50,
          },
        },
      })
    })

    it('keeps an event that arrives before the wait, and the first wait takes it without suspending', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      expect(await ctx.store.eventSignal(shipped(tenantId, T0))).toEqual({
        duplicate: false,
        woke: [],
      })
      const held = await claimOne(ctx.store, tenantId, T0 + 1)
      expect(await ctx.store.runWait(waitFor(held, T0 + 2, 'await-shipment'))).toEqual({
        held: true,
        event: {
          eventId: 'evt-1',
          name: 'shipment.confirmed',
          payload: { tracking: '1Z999', lines: [1, 2], carrier: 'UPS' },
          receivedAt: T0,
        },
      })
      // Still running under the same lease; the event is used up.
      expect((await ctx.store.runGet({ tenantId, runId }))?.state).toBe('running')
      expect(await ctx.store.runWait(waitFor(held, T0 + 3, 'await-second-shipment'))).toEqual({
        held: true,
        event: null,
      })
    })

    it('writes nothing for a stale lease, and a null payload is an event like any other', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const stale = { ...lease(held, T0 + 1), leaseVersion: held.leaseVersion + 1 }
      expect(
        await ctx.store.runWait({
          ...stale,
          name: 'sleep',
          correlationKey: null,
          deadline: DEADLINE,
          carried: [{ name: 'map', kind: 'local', output: 1 }],
        }),
      ).toEqual({ held: false })
      expect(await ctx.store.runGet({ tenantId, runId })).toMatchObject({
        state: 'running',
        steps: [],
      })
      expect(await ctx.store.eventSignal({ ...shipped(tenantId, T0 + 2), payload: null })).toEqual({
        duplicate: false,
        woke: [],
      })
    })

    it('counts a waiting run as waiting: not backlog, and its wait not in doubt', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.runWait(waitFor(held, T0 + 1, 'await-shipment'))
      const stats = await ctx.store.statsGet({ tenantId, now: T0 + 60_000 })
      expect(stats).toMatchObject({
        runsByState: { waiting: 1, running: 0, pending: 0 },
        backlogByFlow: {},
        oldestBacklogAgeMs: 0,
        stepsInDoubt: 0,
      })
    })

    it('does not hold the business key while waiting, and a signal leaves a running run alone', async () => {
      const tenantId = newTenant()
      const first = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.runWait(waitFor(held, T0 + 1, 'await-shipment', T0 + 10))
      const second = await ingestRun(ctx.store, tenantId, 'order-1')
      const secondHeld = await claimOne(ctx.store, tenantId, T0 + 2)
      expect(secondHeld.id).toBe(second)
      // While it holds the key, the first run's passed deadline waits for it.
      expect(await claim(ctx.store, tenantId, T0 + 10)).toEqual([])
      await ctx.store.runComplete({ ...lease(secondHeld, T0 + 3), output: null })

      // The first run's deadline passed and a worker has it again: a signal now does not touch
      // it (the run decides it timed out) and is kept for the next wait on the key.
      const again = await claimOne(ctx.store, tenantId, T0 + 10)
      expect(again.id).toBe(first)
      expect(await ctx.store.eventSignal(shipped(tenantId, T0 + 11))).toEqual({
        duplicate: false,
        woke: [],
      })
      expect(
        (await ctx.store.runGet({ tenantId, runId: first }))?.steps.find(
          (s) => s.name === 'await-shipment',
        )?.state,
      ).toBe('started')
      const next = await ctx.store.runWait(waitFor(again, T0 + 12, 'await-shipment-again'))
      expect(next).toMatchObject({ held: true, event: { eventId: 'evt-1' } })
    })
  })
}
