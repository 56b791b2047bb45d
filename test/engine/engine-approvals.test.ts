// Proves on both stores, over the operator API's real HTTP, that a run's approval task is listed,
// decided once with who and why, wakes the run, escalates after its deadline and then expires.
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import type { ApprovalDecision } from '../../src/engine/run-approvals.ts'
import type { HubEngine } from '../../src/engine/hub-engine.ts'
import type { ApprovalTask, JsonValue } from '../../src/store/store-contract.ts'
import { createFixture } from '../gateway/gateway-deps-fixture.ts'
import {
  closeGatewayAfterEach,
  getJson,
  postJson,
  startGateway,
} from '../gateway/gateway-test-server.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { SOURCE, TOPIC, describeOnStores, fakeTarget, type Bench } from './engine-test-kit.ts'

const pgUrl = await postgresForTests('engine approvals')
const HOUR = 3_600_000

closeGatewayAfterEach()

function newCustomerFlow(decisions: ApprovalDecision[], escalateTo?: string) {
  const target = fakeTarget('erp')
  const flow = defineFlow({
    name: 'customer-master',
    trigger: { sourceSystem: SOURCE, topics: [TOPIC] },
    async run(ctx): Promise<JsonValue> {
      const decision = await ctx.approval('approve-new-customer', {
        title: `New customer ${ctx.businessKey}`,
        subject: { customer: ctx.businessKey, creditLimit: '50000.00' },
        assignee: 'credit-team',
        timeoutMs: 4 * HOUR,
        ...(escalateTo === undefined ? {} : { escalateTo, escalationTimeoutMs: HOUR }),
      })
      decisions.push(decision)
      if (decision.decision !== 'approved') return { created: false, decision: decision.decision }
      const created = await ctx.deliver('create-customer', target.delivery(ctx.businessKey, 'w'))
      return { created: true, id: created.id }
    },
  })
  return { flow, target }
}

/** The operator API over HTTP, on this test's real store and engine. */
async function operatorApi(b: Bench, engine: HubEngine): Promise<string> {
  const fixture = createFixture()
  fixture.deps = {
    ...fixture.deps,
    approvals: {
      list: (params) => b.store.approvalList({ tenantId: b.tenantId, ...params }),
      decide: (params) => engine.decideApproval(params),
    },
  }
  return (await startGateway(fixture)).url
}

describeOnStores('engine approvals', pgUrl, (bench) => {
  describe('approval tasks', () => {
    it('lists the open task, takes one decision with who and why, and wakes the run', async () => {
      const b = bench()
      const decisions: ApprovalDecision[] = []
      const { flow, target } = newCustomerFlow(decisions)
      const engine = b.engine({ flows: [flow] })
      const url = await operatorApi(b, engine)
      const runId = (await b.ingest(engine, 'acme')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      expect((await b.run(runId)).state).toBe('waiting')

      const listed = await getJson(`${url}/api/v1/approvals?state=open&assignee=credit-team`)
      expect(listed.status).toBe(200)
      const tasks = (listed.json as unknown as { approvals: ApprovalTask[] }).approvals
      expect(tasks).toEqual([
        expect.objectContaining({
          runId,
          step: 'approve-new-customer',
          title: 'New customer order-acme',
          subject: { customer: 'order-acme', creditLimit: '50000.00' },
          state: 'open',
          escalations: 0,
          dueAt: b.clock.now() + 4 * HOUR,
        }),
      ])
      const id = tasks[0]?.id ?? ''

      const refused = await postJson(`${url}/api/v1/approvals/${id}/reject`, {})
      expect(refused.status).toBe(400)
      expect(JSON.stringify(refused.json)).toContain('reason')

      const approved = await postJson(`${url}/api/v1/approvals/${id}/approve`, {
        reason: 'credit checked',
        by: 'maria@example.com',
      })
      expect(approved.status).toBe(200)
      expect(approved.json).toMatchObject({
        approval: { state: 'approved', decidedBy: 'maria@example.com', reason: 'credit checked' },
      })
      const again = await postJson(`${url}/api/v1/approvals/${id}/reject`, { reason: 'late' })
      expect(again.status).toBe(409)
      expect(JSON.stringify(again.json)).toContain('approved already (by maria@example.com)')
      expect((await postJson(`${url}/api/v1/approvals/999999/approve`, {})).status).toBe(404)

      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({ state: 'completed', output: { created: true } })
      expect(decisions).toEqual([
        { decision: 'approved', reason: 'credit checked', by: 'maria@example.com', taskId: id },
      ])
      expect(target.effects).toHaveLength(1)
      const audit = await b.store.auditList({ tenantId: b.tenantId, limit: 10 })
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'approval.approve',
          subject: { approvalId: id, runId, step: 'approve-new-customer' },
          details: expect.objectContaining({ by: 'maria@example.com', reason: 'credit checked' }),
        }),
      ])
    })

    it('escalates after the deadline, then expires; a restart in between changes nothing', async () => {
      const b = bench()
      const decisions: ApprovalDecision[] = []
      const { flow, target } = newCustomerFlow(decisions, 'cfo')
      const first = b.engine({ flows: [flow] })
      const runId = (await b.ingest(first, 'acme')).runIds[0] ?? ''
      expect(await first.runOnce()).toBe(1)
      await first.stop()

      const engine = b.engine({ flows: [flow] })
      b.clock.advance(4 * HOUR)
      expect(await engine.runOnce()).toBe(1)
      const [escalated] = await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })
      expect(escalated).toMatchObject({
        state: 'open',
        assignee: 'cfo',
        escalations: 1,
        dueAt: b.clock.now() + HOUR,
      })
      expect((await b.run(runId)).state).toBe('waiting')

      b.clock.advance(HOUR)
      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({
        state: 'completed',
        output: { created: false, decision: 'expired' },
      })
      const [expired] = await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })
      expect(expired).toMatchObject({ state: 'expired', escalations: 1 })
      expect(decisions).toEqual([{ decision: 'expired', taskId: escalated?.id }])
      expect(target.effects).toEqual([])
    })

    it('takes a decision that raced the deadline instead of escalating past it', async () => {
      const b = bench()
      const decisions: ApprovalDecision[] = []
      const { flow } = newCustomerFlow(decisions)
      const engine = b.engine({ flows: [flow] })
      const runId = (await b.ingest(engine, 'acme')).runIds[0] ?? ''
      expect(await engine.runOnce()).toBe(1)
      const [task] = await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })
      b.clock.advance(4 * HOUR)
      // Decided while the run, due at its deadline, is not yet running again.
      const decided = await engine.decideApproval({
        taskId: task?.id ?? '',
        decision: 'rejected',
        reason: 'credit hold',
        by: 'ops',
        audit: { actor: 'test', interactionId: null },
      })
      expect(decided.outcome).toBe('decided')
      expect(await engine.runOnce()).toBe(1)
      expect(await b.run(runId)).toMatchObject({
        state: 'completed',
        output: { created: false, decision: 'rejected' },
      })
    })
  })
})
