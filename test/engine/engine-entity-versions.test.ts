// Proves on both stores that the per-entity version guard skips stale and repeated versions, and
// that a replayed older run cannot roll an entity back.
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { SOURCE, TOPIC, describeOnStores, fakeTarget, type FakeTarget } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine entity version guard')

/** Message ids look like `v<version>-<n>`: the flow reads the entity version from them. */
function versionedFlow(target: FakeTarget, applied: number[]) {
  return defineFlow({
    name: 'upsert-order',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx, message) {
      const version = Number(/^v(\d+)/.exec(message.sourceMessageId)?.[1])
      const spec = target.delivery(ctx.businessKey, 'w', message.sourceMessageId)
      const receipt = await ctx.deliver('upsert', {
        ...spec,
        version: String(version),
        entityVersion: version,
        perform: async (call) => {
          applied.push(version)
          return spec.perform(call)
        },
      })
      return { receipt }
    },
  })
}

describeOnStores('engine entity version guard', pgUrl, (bench) => {
  describe('entity version guard', () => {
    it('applies newer versions only: out-of-order and repeated versions complete as superseded', async () => {
      const b = bench()
      const target = fakeTarget()
      const applied: number[] = []
      const engine = b.engine({ flows: [versionedFlow(target, applied)] })
      // Arrival order 2, 1, 3, 3 (a second subscription: new message id, same version), 2.
      for (const id of ['v2-a', 'v1-a', 'v3-a', 'v3-b', 'v2-b']) {
        await b.ingest(engine, id, 'order-1')
      }
      while ((await engine.runOnce()) > 0) {
        // Runs of one key go one at a time, in arrival order.
      }
      expect(applied).toEqual([2, 3])
      const runs = await b.store.runList({ tenantId: b.tenantId, limit: 10 })
      expect(runs.every((r) => r.state === 'completed')).toBe(true)
      const superseded = b.events(engine).filter((e) => e.startsWith('superseded'))
      expect(superseded.map((e) => e.replace(/run=\S+ /, ''))).toEqual([
        'superseded v=1 applied=2',
        'superseded v=3 applied=3',
        'superseded v=2 applied=3',
      ])
      const outputs = await Promise.all(
        runs.map(
          async (r) => (await b.store.runGet({ tenantId: b.tenantId, runId: r.id }))?.output,
        ),
      )
      expect(outputs.filter((o) => JSON.stringify(o).includes('"superseded"'))).toHaveLength(3)
      expect(
        await b.store.entityVersionGet({
          tenantId: b.tenantId,
          target: target.name,
          businessKey: 'order-1',
        }),
      ).toBe(3)
    })

    it('a dead run replayed after a newer version was applied is superseded, not applied', async () => {
      const b = bench()
      const target = fakeTarget()
      const applied: number[] = []
      const engine = b.engine({ flows: [versionedFlow(target, applied)] })
      target.plan({ kind: 'fail', error: HubError.validation('mapping bug') })
      await b.ingest(engine, 'v1-a', 'order-1')
      expect(await engine.runOnce()).toBe(1)
      const [dead] = await b.store.runList({ tenantId: b.tenantId, limit: 10 })
      expect(dead?.state).toBe('dead')

      await b.ingest(engine, 'v2-a', 'order-1')
      expect(await engine.runOnce()).toBe(1)
      await b.store.runReplay({
        tenantId: b.tenantId,
        runIds: [dead?.id ?? ''],
        now: b.clock.now(),
      })
      expect(await engine.runOnce()).toBe(1)

      expect(applied).toEqual([1, 2])
      expect(target.effects.map((e) => e.by)).toHaveLength(1)
      const replayed = await b.store.runGet({ tenantId: b.tenantId, runId: dead?.id ?? '' })
      expect(replayed?.state).toBe('completed')
      expect(replayed?.output).toEqual({
        superseded: { step: 'upsert', version: 1, appliedVersion: 2 },
      })
    })
  })
})
