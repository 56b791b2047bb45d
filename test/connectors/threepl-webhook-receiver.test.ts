/** @module test/connectors/threepl-webhook-receiver.test — the 3PL receiver on the simulator's real deliveries: verified, deduplicated by webhook-id, ordered by sequence, mapped; and what it refuses. */
import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { ThreePlWebhookAcceptance } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import {
  FAST_RETRIES,
  apiClient,
  orderBody,
  startHookReceiver,
  startThreePl,
} from '../sandbox/threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const receiver = createThreePlWebhookReceiver({
  tenantId: 'acme',
  connection: parseThreePlConnectionConfig({
    baseUrl: 'https://api.wms.example.com',
    apiKey: 'tpl_k',
    webhookSecrets: [SECRET],
  }),
})

/** Signs `body` as the WMS would, with the reference library, `ageSeconds` ago. */
function delivery(body: string, ageSeconds = 0, id = `msg_${randomBytes(16).toString('hex')}`) {
  const at = new Date((Math.floor(Date.now() / 1000) - ageSeconds) * 1000)
  return {
    rawBody: Buffer.from(body, 'utf8'),
    headers: {
      'Webhook-Id': id,
      'Webhook-Timestamp': String(at.getTime() / 1000),
      'Webhook-Signature': new Webhook(SECRET).sign(id, at, body),
    },
    now: Date.now(),
  }
}

function refused(run: () => unknown): HubError {
  try {
    run()
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('accepted')
}

describe('3PL webhook receiver, on the simulator’s deliveries', () => {
  it('accepts a shipment and its stock events, keyed by webhook-id and put back in order by sequence', async () => {
    const accepted: ThreePlWebhookAcceptance[] = []
    const hook = await startHookReceiver((_n, h) => {
      accepted.push(receiver.accept({ rawBody: h.body, headers: h.headers, now: Date.now() }))
      return { status: 204 }
    }, cleanups)
    const sim = await startThreePl(
      {
        webhookRetryScheduleMs: FAST_RETRIES,
        webhookSubscribers: [{ url: hook.url, secret: SECRET }],
        webhookFaults: { sequence: ['outOfOrder'], holdMs: 200 },
      },
      cleanups,
    )
    const created = await apiClient(sim).call(
      'POST',
      '/v1/fulfillment_orders',
      orderBody('R-1', [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 1 },
      ]),
    )
    const { id } = (await created.json()) as { id: string }
    expect(sim.shipOrder(id, { carrier: 'FedEx', trackingNumber: '774899172137' }).ok).toBe(true)
    await sim.deliveriesSettled(5000)

    expect(accepted.map((a) => a.sourceMessageId)).toEqual(
      hook.received.map((h) => h.headers['webhook-id']),
    )
    // The shipment was held back and arrived after the stock events it caused.
    expect(accepted.findIndex((a) => a.topic === 'shipment.confirmed')).toBeGreaterThan(0)
    const ordered = [...accepted].sort((a, b) => a.sequence - b.sequence)
    expect(ordered.map((a) => a.topic)).toEqual([
      'shipment.confirmed',
      'inventory.adjusted',
      'inventory.adjusted',
    ])
    const [shipment, sku1, sku2] = ordered
    expect(shipment).toMatchObject({
      businessKey: `threepl:shipment:${id}`,
      stale: false,
      event: {
        kind: 'shipment',
        shipment: {
          orderKey: 'R-1',
          carrier: 'FedEx',
          trackingNumbers: ['774899172137'],
          warehouseId: 'WH-EAST',
          lines: [
            { sku: 'SKU-1', quantity: 2, lineNumber: 1 },
            { sku: 'SKU-2', quantity: 1, lineNumber: 2 },
          ],
        },
      },
    })
    expect(sku1).toMatchObject({
      businessKey: 'threepl:inventory:SKU-1@WH-EAST',
      event: {
        kind: 'inventory_level',
        level: { sku: 'SKU-1', onHand: 98, locationId: 'WH-EAST' },
      },
    })
    expect(sku2?.event).toMatchObject({
      level: { sku: 'SKU-2', onHand: 99, source: { version: String(sku2?.sequence) } },
    })
  })
})

describe('3PL webhook receiver, what it refuses', () => {
  const event = JSON.stringify({
    type: 'inventory.adjusted',
    timestamp: '2026-01-01T10:40:00.000Z',
    sequence: 4,
    data: {
      sku: 'SKU-1',
      warehouse: 'WH-EAST',
      delta: 0,
      on_hand: 100,
      previous_on_hand: 100,
      reason: 'cycle_count',
      occurred_at: '2026-01-01T10:40:00.000Z',
    },
  })

  it('flags an old event redelivered with a fresh signature as stale, and still maps it', () => {
    const accepted = receiver.accept(delivery(event))
    expect(accepted).toMatchObject({ topic: 'inventory.adjusted', sequence: 4, stale: true })
    expect(accepted.triggeredAt).toBe(Date.parse('2026-01-01T10:40:00.000Z'))
  })

  it('refuses a forged or replayed delivery as auth (401) before reading the body', () => {
    const forged = delivery(event)
    forged.rawBody = Buffer.from(event.replace('"on_hand":100', '"on_hand":1'))
    expect(refused(() => receiver.accept(forged))).toMatchObject({
      type: 'auth',
      code: 'INVALID_SIGNATURE',
      status: 401,
    })
    expect(refused(() => receiver.accept(delivery(event, 600)))).toMatchObject({
      type: 'auth',
      code: 'STALE_TIMESTAMP',
    })
    const unsigned = delivery('not json at all')
    unsigned.headers['Webhook-Signature'] = ''
    expect(refused(() => receiver.accept(unsigned)).type).toBe('auth')
  })

  it('refuses a signed body that is not a WMS event as validation, and a repeated header', () => {
    expect(refused(() => receiver.accept(delivery('{"type":'))).code).toBe('INVALID_JSON')
    expect(refused(() => receiver.accept(delivery('{"hello":"world"}'))).code).toBe(
      'UNEXPECTED_SHAPE',
    )
    const signed = delivery(event)
    const doubled = {
      ...signed,
      headers: { ...signed.headers, 'Webhook-Id': undefined, 'webhook-id': ['a', 'b'] },
    }
    expect(refused(() => receiver.accept(doubled))).toMatchObject({
      type: 'validation',
      code: 'INVALID_HEADER',
    })
  })

  it('acknowledges an event type it does not map, so the WMS stops resending it', () => {
    const body = JSON.stringify({
      type: 'order.held',
      timestamp: new Date().toISOString(),
      sequence: 9,
      data: { fulfillment_order_id: 'fo_000001' },
    })
    expect(receiver.accept(delivery(body))).toMatchObject({
      topic: 'order.held',
      businessKey: 'threepl:event:order.held',
      stale: false,
      event: { kind: 'unsupported', eventType: 'order.held' },
    })
  })
})
