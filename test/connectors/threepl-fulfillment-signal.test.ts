/** @module test/connectors/threepl-fulfillment-signal.test — the 3PL receiver turns the warehouse's real shipment and backorder deliveries into signals for the run waiting on the order; stock events carry none. */
import { afterEach, describe, expect, it } from 'vitest'
import {
  FULFILLMENT_EVENTS,
  fulfillmentCorrelationKey,
} from '../../src/connectors/threepl/threepl-fulfillment-signal.ts'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import { createThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { startReceiver, eventually } from '../sandbox/sandbox-test-kit.ts'

const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop()
})

describe('3PL fulfillment signals', () => {
  it('signals a shipment and a backorder on the order key, keyed by the webhook id', async () => {
    const hook = await startReceiver()
    stops.push(() => hook.close())
    const sim = createThreePlSimulator({
      seed: 3,
      inventory: [
        { sku: 'SKU-1', warehouse: 'WH-EAST', onHand: 10 },
        { sku: 'SKU-2', warehouse: 'WH-EAST', onHand: 0 },
      ],
      progression: { allocateAfterMs: 0, pickAfterMs: 0, shipAfterMs: 0 },
      progressionTickMs: 20,
    })
    await sim.start()
    stops.push(() => sim.stop())
    const endpoint = sim.addWebhookSubscriber({ url: hook.url })
    const receiver = createThreePlWebhookReceiver({
      tenantId: 'acme',
      connection: parseThreePlConnectionConfig({
        baseUrl: sim.baseUrl,
        apiKey: sim.apiKey,
        webhookSecrets: [endpoint.secret],
      }),
    })
    const create = (reference: string, sku: string) =>
      fetch(`${sim.baseUrl}/v1/fulfillment_orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          external_reference: reference,
          ship_to: {
            name: 'A Buyer',
            address1: '1 Main St',
            city: 'Springfield',
            postal_code: '62701',
            country_code: 'US',
          },
          lines: [{ sku, quantity: 1 }],
        }),
      })
    expect((await create('SHOPIFY-O-1', 'SKU-1')).status).toBe(201)
    expect((await create('SHOPIFY-O-2', 'SKU-2')).status).toBe(201)
    await eventually(() => hook.received.length >= 3, 5000)
    const accepted = hook.received.map((r) =>
      receiver.accept({
        rawBody: r.body,
        headers: r.headers,
        now: Date.now(),
      }),
    )
    const signals = accepted.flatMap((a) => a.signals)
    expect(signals).toHaveLength(2)
    const shipped = accepted.find((a) => a.topic === 'shipment.confirmed')
    expect(shipped?.signals).toEqual([
      expect.objectContaining({
        eventId: shipped?.sourceMessageId,
        correlationKey: fulfillmentCorrelationKey('SHOPIFY-O-1'),
        name: FULFILLMENT_EVENTS.shipped,
      }),
    ])
    const backordered = accepted.find((a) => a.topic === 'fulfillment_order.backordered')
    expect(backordered?.event).toMatchObject({
      kind: 'backorder',
      backorder: { externalReference: 'SHOPIFY-O-2', reason: 'insufficient_stock' },
    })
    expect(backordered?.signals).toEqual([
      expect.objectContaining({
        correlationKey: 'fulfillment:SHOPIFY-O-2',
        name: FULFILLMENT_EVENTS.backordered,
      }),
    ])
    expect(
      accepted.filter((a) => a.topic === 'inventory.adjusted').every((a) => a.signals.length === 0),
    ).toBe(true)
  })
})
