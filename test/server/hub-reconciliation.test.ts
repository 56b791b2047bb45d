// The order reconciliation as the hub binds it, over its operator API: POST /api/v1/reconciliation/runs
// starts a run (202) and refuses a second one of the domain while it runs (409); GET follows it to
// finished with its breaks healed through the order flow; unknown domains and runs are 404 and a
// malformed body 400, each saying what to send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    config: { policies: { orderLifecycle: { reconciliation: { assignee: 'order-desk' } } } },
  })
})
afterAll(async () => {
  await h.stop()
})

async function call(
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${h.hub.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

interface RunView {
  run?: { state: string; stats: Record<string, unknown> }
  breaks?: Record<string, number>
}

/** Polls GET …/runs/:id until the run is finished and `done` holds of it. */
async function finished(id: string, done: (view: RunView) => boolean): Promise<RunView> {
  let view: RunView = {}
  const settled = await waitFor(async () => {
    view = (await call(`/api/v1/reconciliation/runs/${id}`)).json
    return view.run?.state === 'finished' && done(view)
  }, 30_000)
  expect([settled, view]).toEqual([true, view])
  return view
}

const salesOrders = () =>
  h.sandbox.netsuite.records
    .list('salesOrder')
    .filter((r) => r.externalId?.startsWith('SHOPIFY-O-'))

describe('hub order reconciliation', () => {
  it('runs on request, one at a time, and heals what it found', async () => {
    const sent = h.sandbox.shopify.generateOrders({ count: 20, customers: 5 })
    const dropped = h.sandbox.shopify.generateOrders({ count: 2, customers: 5, webhooks: false })
    expect(await waitFor(() => salesOrders().length === 20, 30_000)).toBe(true)
    const deleted = `SHOPIFY-O-${sent.orderIds[3] ?? ''}`
    expect(h.sandbox.netsuite.records.remove('salesOrder', `eid:${deleted}`)).toBe(true)

    const [a, b] = await Promise.all([
      call('/api/v1/reconciliation/runs', { domain: 'orderLifecycle' }),
      call('/api/v1/reconciliation/runs', { domain: 'orderLifecycle' }),
    ])
    const accepted = [a, b].filter((r) => r.status === 202)
    const refused = [a, b].filter((r) => r.status === 409)
    expect(accepted).toHaveLength(1)
    expect(refused).toHaveLength(1)
    const run = accepted[0]?.json.run as { id: string; state: string; domain: string }
    expect(run).toMatchObject({ state: 'running', domain: 'orderLifecycle' })
    expect(refused[0]?.json.message).toContain(
      `reconciliation run ${run.id} of orderLifecycle is running`,
    )

    const view = await finished(run.id, (v) => v.breaks?.healed === 3)
    expect(view.breaks).toEqual({ open: 0, healing: 0, healed: 3, assigned: 0, closed: 0 })
    expect(view.run?.stats).toMatchObject({
      sourceCount: 22,
      targetCount: 19,
      healing: 3,
      assigned: 0,
    })
    const keys = new Set(salesOrders().map((r) => r.externalId))
    for (const id of [...dropped.orderIds, sent.orderIds[3]]) {
      expect(keys.has(`SHOPIFY-O-${id ?? ''}`)).toBe(true)
    }

    // Finished, so another may start; it finds nothing left to heal.
    const next = await call('/api/v1/reconciliation/runs', { domain: 'orderLifecycle' })
    expect(next.status).toBe(202)
    const again = await finished((next.json.run as { id: string }).id, () => true)
    expect(again.breaks).toEqual({ open: 0, healing: 0, healed: 0, assigned: 0, closed: 0 })
  })

  it('answers unknown domains and runs with 404 and a malformed body with 400', async () => {
    const unknown = await call('/api/v1/reconciliation/runs', { domain: 'inventory' })
    expect(unknown.status).toBe(404)
    expect(unknown.json.message).toBe(
      'no reconciliation job for domain "inventory" in this hub; bound: orderLifecycle',
    )
    const malformed = await call('/api/v1/reconciliation/runs', { domian: 'orderLifecycle' })
    expect(malformed.status).toBe(400)
    expect(String(malformed.json.message)).toContain('domain')
    expect((await call('/api/v1/reconciliation/runs/999999')).status).toBe(404)
  })
})
