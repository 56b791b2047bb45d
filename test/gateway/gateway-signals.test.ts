/** @module test/gateway/gateway-signals.test — a webhook that carries events for waiting runs (the 3PL's shipment and backorder): signalled after it is stored and before it is answered; a failed signal is a 503 the sender retries. */
import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { parseThreePlConnectionConfig } from '../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { InboundSignal } from '../../src/gateway/gateway-deps.ts'
import { StoreUnavailableError } from '../../src/store/store-contract.ts'
import { createFixture, type FixtureState } from './gateway-deps-fixture.ts'
import { closeGatewayAfterEach, startGateway } from './gateway-test-server.ts'

closeGatewayAfterEach()

const SECRET = `whsec_${randomBytes(32).toString('base64')}`
const PATH = '/webhooks/threepl/main'

/** The fixture's deps with a real 3PL receiver at threepl/main and a recording signal function. */
function withThreePl(fixture: FixtureState, signal?: (s: InboundSignal) => Promise<void>) {
  const receiver = createThreePlWebhookReceiver({
    tenantId: 'tenant-a',
    connection: parseThreePlConnectionConfig({
      baseUrl: 'https://api.wms.example.com',
      apiKey: 'tpl_k',
      webhookSecrets: [SECRET],
    }),
  })
  const base = fixture.deps.webhookReceiver.bind(fixture.deps)
  fixture.deps.webhookReceiver = (system, connection) =>
    system === 'threepl' && connection === 'main' ? receiver : base(system, connection)
  if (signal !== undefined) fixture.deps.signal = signal
}

function shipmentEvent(reference: string): string {
  const at = new Date(0).toISOString()
  return JSON.stringify({
    type: 'shipment.confirmed',
    timestamp: at,
    sequence: 7,
    data: {
      fulfillment_order_id: 'fo_000042',
      external_reference: reference,
      fulfillment_order_version: 4,
      warehouse: 'WH-EAST',
      carrier: 'UPS',
      tracking_number: '1Z999AA10123456784',
      shipped_at: at,
      lines: [{ line_number: 1, sku: 'SKU-1', quantity: 2 }],
      occurred_at: at,
    },
  })
}

/** Signed at the gateway's (manual) clock, as a sender in step with it would. */
async function post(fixture: FixtureState, url: string, body: string, id: string): Promise<number> {
  const at = new Date(fixture.deps.clock.now())
  const response = await fetch(`${url}${PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRET).sign(id, at, body),
    },
    body,
  })
  await response.arrayBuffer()
  return response.status
}

describe('webhook signals', () => {
  it('stores the shipment, then signals the run waiting on the order, with the webhook id as the event id', async () => {
    const fixture = createFixture()
    const signals: InboundSignal[] = []
    withThreePl(fixture, (s) => {
      // Stored before signalled: the inbox keeps the message even if the signal fails.
      expect(fixture.calls.ingest).toHaveLength(signals.length + 1)
      signals.push(s)
      return Promise.resolve()
    })
    const { url } = await startGateway(fixture)
    expect(await post(fixture, url, shipmentEvent('SHOPIFY-O-1001'), 'msg_a1')).toBe(200)
    expect(signals).toEqual([
      expect.objectContaining({
        eventId: 'msg_a1',
        correlationKey: 'fulfillment:SHOPIFY-O-1001',
        name: 'shipment.confirmed',
        payload: expect.objectContaining({
          orderKey: 'SHOPIFY-O-1001',
          trackingNumbers: ['1Z999AA10123456784'],
        }),
      }),
    ])
    // A retry signals again; the engine records an event once per id, so that is harmless.
    expect(await post(fixture, url, shipmentEvent('SHOPIFY-O-1001'), 'msg_a1')).toBe(200)
    expect(signals.map((s) => s.eventId)).toEqual(['msg_a1', 'msg_a1'])
  })

  it('answers 503 when the signal cannot be committed, so the sender retries', async () => {
    const fixture = createFixture()
    withThreePl(fixture, () => Promise.reject(new StoreUnavailableError('store down')))
    const { url } = await startGateway(fixture)
    expect(await post(fixture, url, shipmentEvent('SHOPIFY-O-1002'), 'msg_b1')).toBe(503)
    // Stored all the same: the retry is a duplicate in the inbox and only signals again.
    expect(fixture.calls.ingest).toHaveLength(1)
    expect(fixture.logLines.join('\n')).toContain('not_signalled')
  })

  it('refuses to acknowledge events it cannot deliver: no signal function is a 503, not a silent drop', async () => {
    const fixture = createFixture()
    withThreePl(fixture)
    const { url } = await startGateway(fixture)
    expect(await post(fixture, url, shipmentEvent('SHOPIFY-O-1003'), 'msg_c1')).toBe(503)
    expect(fixture.logLines.join('\n')).toContain('GatewayDeps.signal')
  })
})
