// Proves on both stores, over the operator API's real HTTP, that reconciliation breaks are listed
// with their age, assigned to a person and closed with a note along their lifecycle only, each
// move audited, with 404 / 409 / 400 answers that say what to fix.
import { describe, expect, it } from 'vitest'
import { assignBreak, closeBreak, withAge } from '../../src/reconciliation/break-operations.ts'
import type { NewBreak } from '../../src/store/store-contract.ts'
import { describeOnStores, type Bench } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { createFixture } from './gateway-deps-fixture.ts'
import { closeGatewayAfterEach, getJson, postJson, startGateway } from './gateway-test-server.ts'

const pgUrl = await postgresForTests('reconciliation API')
const HOUR = 3_600_000

closeGatewayAfterEach()

const mismatch = (sku: string, diff: number): NewBreak => ({
  entityKey: `${sku}@WH-EAST`,
  breakClass: 'field_mismatch',
  cause: 'mismatch:onHand',
  sourceValue: { onHand: 100 },
  targetValue: { onHand: 100 - diff },
  diff,
})

/** The operator API over HTTP on this test's real store, wired as the hub wires it. */
async function operatorApi(b: Bench): Promise<string> {
  const fixture = createFixture()
  const tenantId = b.tenantId
  fixture.deps = {
    ...fixture.deps,
    reconciliation: {
      listBreaks: async (params) =>
        (await b.store.reconciliationBreakList({ tenantId, ...params })).map((x) =>
          withAge(x, b.clock.now()),
        ),
      assign: (params) => assignBreak(b.store, { tenantId, now: b.clock.now(), ...params }),
      close: (params) => closeBreak(b.store, { tenantId, now: b.clock.now(), ...params }),
    },
  }
  return (await startGateway(fixture)).url
}

async function recordBreaks(b: Bench): Promise<string[]> {
  const run = await b.store.reconciliationRunStart({
    tenantId: b.tenantId,
    domain: 'inventory',
    source: 'threepl',
    target: 'netsuite',
    now: b.clock.now(),
  })
  const added = await b.store.reconciliationBreakAdd({
    tenantId: b.tenantId,
    runId: run.id,
    breaks: [mismatch('SKU-1', 5_000), mismatch('SKU-2', 3)],
    now: b.clock.now(),
  })
  return added.map((x) => x.id)
}

describeOnStores('reconciliation API', pgUrl, (bench) => {
  describe('breaks', () => {
    it('lists breaks with their age, assigns and closes one, and audits both moves', async () => {
      const b = bench()
      const url = await operatorApi(b)
      const [big, small] = await recordBreaks(b)
      b.clock.advance(2 * HOUR)

      const listed = await getJson(`${url}/api/v1/reconciliation/breaks?limit=10&state=open`)
      expect(listed.status).toBe(200)
      const breaks = (listed.json as unknown as { breaks: { id: string; ageMs: number }[] }).breaks
      expect(breaks.map((x) => [x.id, x.ageMs])).toEqual([
        [small, 2 * HOUR],
        [big, 2 * HOUR],
      ])

      const assigned = await postJson(`${url}/api/v1/reconciliation/breaks/${big}/assign`, {
        assignee: 'inventory-controller',
        note: 'a 5,000-unit jump is above the auto-heal ceiling',
      })
      expect(assigned.status).toBe(200)
      expect(assigned.json).toMatchObject({
        break: { id: big, state: 'assigned', assignee: 'inventory-controller' },
      })

      // Closing needs a note, and only an assigned break can be closed.
      const noNote = await postJson(`${url}/api/v1/reconciliation/breaks/${big}/close`, {})
      expect(noNote.status).toBe(400)
      expect(JSON.stringify(noNote.json)).toContain('note')
      const notAssigned = await postJson(`${url}/api/v1/reconciliation/breaks/${small}/close`, {
        note: 'done',
      })
      expect(notAssigned.status).toBe(409)
      expect(JSON.stringify(notAssigned.json)).toContain(
        `reconciliation break ${small} is open; only an assigned break can be closed`,
      )

      b.clock.advance(HOUR)
      const closed = await postJson(`${url}/api/v1/reconciliation/breaks/${big}/close`, {
        note: 'cycle count in the warehouse confirmed 5,100; ERP adjusted by hand',
      })
      expect(closed.status).toBe(200)
      expect(closed.json).toMatchObject({
        break: { id: big, state: 'closed', closedAt: b.clock.now() },
      })
      const again = await postJson(`${url}/api/v1/reconciliation/breaks/${big}/assign`, {
        assignee: 'someone-else',
      })
      expect(again.status).toBe(409)
      expect(
        (
          await postJson(`${url}/api/v1/reconciliation/breaks/999999/assign`, {
            assignee: 'x',
          })
        ).status,
      ).toBe(404)

      // A closed break's age stops at its closing.
      const all = await getJson(`${url}/api/v1/reconciliation/breaks?limit=10&state=closed`)
      expect((all.json as unknown as { breaks: { id: string; ageMs: number }[] }).breaks).toEqual([
        expect.objectContaining({ id: big, ageMs: 3 * HOUR }),
      ])

      const audit = await b.store.auditList({ tenantId: b.tenantId, limit: 10 })
      expect(audit.map((a) => [a.action, a.outcome])).toEqual([
        ['reconciliation.break.close', 'closed'],
        ['reconciliation.break.assign', 'assigned'],
      ])
      expect(audit[0]).toMatchObject({
        subject: { breakId: big, entityKey: 'SKU-1@WH-EAST' },
        details: { from: 'assigned', note: expect.stringContaining('cycle count') },
      })
    })

    it('refuses a bad filter with the states it accepts', async () => {
      const b = bench()
      const url = await operatorApi(b)
      const bad = await getJson(`${url}/api/v1/reconciliation/breaks?limit=10&state=fixed`)
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.json)).toContain('open, healing, healed, assigned, closed')
    })
  })
})
