// Proves on both stores that a run's step results ride on its next write (three statements for a
// local step and two deliveries), that a flow waiting on something else has them recorded on
// their own, and that a failure keeps what the run finished.
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import {
  SOURCE,
  TOPIC,
  describeOnStores,
  fakeTarget,
  stepNamed,
  until,
  type FakeTarget,
} from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine carried completions')

const WRITES = ['stepStart', 'stepComplete', 'stepFail', 'runComplete', 'runRetry'] as const

/** The real store, with the run writes it receives listed in order. */
function recordingWrites(store: Store, writes: string[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      const name = String(property)
      return (...args: unknown[]) => {
        if ((WRITES as readonly string[]).includes(name)) {
          const params = args[0] as { carried?: { name: string }[]; name?: string }
          const carried = (params.carried ?? []).map((c) => c.name).join('+')
          writes.push(`${name}${params.name === undefined ? '' : `:${params.name}`}[${carried}]`)
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
}

function orderFlow(
  target: FakeTarget,
  options: { between?: () => Promise<void>; entityVersion?: number } = {},
) {
  return defineFlow({
    name: 'order-to-erp',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx) {
      const mapped = await ctx.step('map', () => ({ key: ctx.businessKey }))
      const customer = await ctx.deliver('customer', {
        ...target.delivery(`${mapped.key}:customer`, 'w'),
        ...(options.entityVersion === undefined ? {} : { entityVersion: options.entityVersion }),
      })
      await options.between?.()
      const order = await ctx.deliver('sales-order', target.delivery(`${mapped.key}:so`, 'w'))
      return { customer, order }
    },
  })
}

describeOnStores('engine carried completions', pgUrl, (bench) => {
  describe('carried completions', () => {
    it('writes a local step and two deliveries in three statements, each result before the next call', async () => {
      const b = bench()
      const target = fakeTarget()
      const writes: string[] = []
      const engine = b.engine({
        flows: [orderFlow(target, { entityVersion: 5 })],
        store: recordingWrites(b.store, writes),
      })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      expect(writes).toEqual([
        'stepStart:customer[map]',
        'stepStart:sales-order[customer]',
        'runComplete[sales-order]',
      ])
      const run = await b.run(runId)
      expect(run.state).toBe('completed')
      expect(run.steps.map((s) => [s.name, s.state]).sort()).toEqual([
        ['customer', 'completed'],
        ['map', 'completed'],
        ['sales-order', 'completed'],
      ])
      expect(
        await b.store.entityVersionGet({
          tenantId: b.tenantId,
          target: target.name,
          businessKey: 'order-m1:customer',
        }),
      ).toBe(5)
      expect(target.effects).toHaveLength(2)
    })

    it('records a delivery on its own while the flow waits on something else', async () => {
      const b = bench()
      const target = fakeTarget()
      const hold = b.latch()
      let waiting = false
      const engine = b.engine({
        flows: [
          orderFlow(target, {
            between: () => {
              waiting = true
              return hold.promise
            },
          }),
        ],
      })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      const running = b.background(engine.runOnce())
      await until(
        'the customer delivery to be recorded while the flow waits',
        async () => waiting && stepNamed(await b.run(runId), 'customer').state === 'completed',
      )
      expect(stepNamed(await b.run(runId), 'map').state).toBe('completed')
      hold.open()
      expect(await running).toBe(1)
      expect((await b.run(runId)).state).toBe('completed')
    })

    it('keeps what the run finished when a later delivery fails, so the retry does not redo it', async () => {
      const b = bench()
      const target = fakeTarget()
      target.plan({ kind: 'ok' }, { kind: 'fail', error: HubError.retryable('503') })
      const writes: string[] = []
      const engine = b.engine({
        flows: [orderFlow(target)],
        store: recordingWrites(b.store, writes),
      })
      const runId = (await b.ingest(engine, 'm1')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      expect(writes).toEqual([
        'stepStart:customer[map]',
        'stepStart:sales-order[customer]',
        'stepFail:sales-order[]',
        'runRetry[]',
      ])
      expect(stepNamed(await b.run(runId), 'customer').state).toBe('completed')
      await b.advanceToNextRun(runId)
      expect(await engine.runOnce()).toBe(1)
      expect((await b.run(runId)).state).toBe('completed')
      // The customer was delivered once and not read back (its result was durable); only the
      // sales order, whose outcome was unknown, was read before it was sent again.
      expect(target.calls).toEqual(['perform:w', 'perform:w', 'lookup:w', 'perform:w'])
    })
  })
})
