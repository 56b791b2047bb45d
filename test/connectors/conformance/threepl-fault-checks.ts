/** @module test/connectors/conformance/threepl-fault-checks — the checks under each fault-checklist row the 3PL connector declares, run by the shared suite against the simulator. */
import { expect } from 'vitest'
import {
  threePlInventoryEventToCanonical,
  threePlOrderToShipment,
  threePlShipmentEventToCanonical,
} from '../../../src/connectors/threepl/threepl-inbound-mapping.ts'
import { canonicalOrderToFulfillmentOrder } from '../../../src/connectors/threepl/threepl-outbound-mapping.ts'
import { parseThreePlConnectionConfig } from '../../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { HubError } from '../../../src/errors/hub-error.ts'
import { startHookReceiver } from '../../sandbox/threepl-test-kit.ts'
import { rejection } from './conformance-subject.ts'
import type { FaultRowCheck } from './conformance-subject.ts'
import {
  createBody,
  governedCreates,
  newSecret,
  partsOf,
  receive,
  sampleOrder,
  validConfig,
  withSim,
  ROTATION_WINDOW_MS,
} from './threepl-estate.ts'

export const threeplFaultChecks: readonly FaultRowCheck[] = [
  {
    row: 1,
    name: 'a duplicated delivery verifies twice and yields one message id and the same Shipment',
    async run(estate) {
      const { sim, client, accepted, hooks } = partsOf(estate)
      sim.setWebhookFaults({ sequence: ['duplicate'] })
      const { id } = await estate.write('conf-dup-1', { idempotencyKey: 'idem-dup-1' })
      expect(sim.shipOrder(id, { carrier: 'UPS', trackingNumber: '1ZCONFDUP1' }).ok).toBe(true)
      await sim.deliveriesSettled(5000)
      const shipments = accepted.filter((a) => a.topic === 'shipment.confirmed')
      expect(shipments).toHaveLength(2)
      const ids = hooks.received
        .filter((h) => h.body.includes('shipment.confirmed'))
        .map((h) => h.headers['webhook-id'])
      expect(new Set(ids).size).toBe(1)
      // The inbox keys on sourceMessageId: one message, one business effect.
      expect(new Set(shipments.map((a) => a.sourceMessageId))).toEqual(new Set(ids))
      const [first, second] = shipments
      expect(second?.event).toEqual(first?.event)
      // The same Shipment as the order read gives, less the ship-to only the read carries.
      const read = threePlOrderToShipment(await client.getFulfillmentOrder(id))
      const { shipTo: _shipTo, ...fromRead } = read ?? {}
      expect(first?.event).toEqual({ kind: 'shipment', shipment: fromRead })
    },
  },
  {
    row: 5,
    name: 'a forged first attempt is refused (401) and its freshly signed retry accepted; both secrets verify during a rotation, only the new one after',
    async run(estate) {
      const { sim, accepted, refused, hooks, secret } = partsOf(estate)
      sim.setWebhookFaults({ sequence: ['badSignature'] })
      sim.adjustInventory({ sku: 'SKU-9', warehouse: 'WH-WEST', reason: 'receipt', quantity: 1 })
      await sim.deliveriesSettled(5000)
      expect(refused.map((e) => [e.type, e.code])).toEqual([['auth', 'INVALID_SIGNATURE']])
      expect(accepted).toHaveLength(1)
      expect(hooks.received[1]?.headers['webhook-id']).toBe(
        hooks.received[0]?.headers['webhook-id'],
      )

      const endpointId = sim.webhookEndpoints()[0]?.id ?? ''
      const rotated = sim.rotateWebhookSecret(endpointId)?.secret ?? ''
      sim.adjustInventory({ sku: 'SKU-9', warehouse: 'WH-WEST', reason: 'receipt', quantity: 1 })
      await sim.deliveriesSettled(5000)
      const during = hooks.received.at(-1)
      if (during === undefined) throw new Error('no delivery during the rotation')
      expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2)
      const configured = (secrets: string[]) =>
        createThreePlWebhookReceiver({
          tenantId: 't',
          connection: parseThreePlConnectionConfig({ ...validConfig, webhookSecrets: secrets }),
        })
      // The estate's receiver holds only the old secret and accepted it; the new one alone does too.
      expect(accepted).toHaveLength(2)
      expect(receive(configured([rotated]), during).sequence).toBe(accepted[1]?.sequence)
      const stranger = await rejection(
        Promise.resolve().then(() => receive(configured([newSecret()]), during)),
      )
      expect(stranger.code).toBe('INVALID_SIGNATURE')

      await new Promise((resolve) => setTimeout(resolve, ROTATION_WINDOW_MS + 100))
      sim.adjustInventory({ sku: 'SKU-9', warehouse: 'WH-WEST', reason: 'receipt', quantity: 1 })
      await sim.deliveriesSettled(5000)
      const after = hooks.received.at(-1)
      if (after === undefined || after === during) throw new Error('no delivery after the window')
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1)
      expect(refused.at(-1)?.code).toBe('INVALID_SIGNATURE')
      expect(receive(configured([secret, rotated]), after).topic).toBe('inventory.adjusted')
    },
  },
  {
    row: 6,
    name: "the account bucket's 429 is throttled with its Retry-After; governed at the spec's rate, the same burst draws none",
    async run() {
      const bucket = { rateLimit: { burst: 4, perSecond: 5 } }
      await withSim(bucket, async (sim, client) => {
        const burst = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            client.createFulfillmentOrder(createBody(`conf-rate-${i}`), {
              idempotencyKey: `r-${i}`,
            }),
          ),
        )
        const throttled = burst.flatMap((r) =>
          r.status === 'rejected' ? [r.reason as HubError] : [],
        )
        expect(throttled.length).toBeGreaterThan(0)
        for (const error of throttled) {
          expect([error.type, error.code]).toEqual(['throttled', 'rate_limited'])
          expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000)
        }
      })
      await withSim(
        bucket,
        async (sim, client, config) => {
          await governedCreates(client, config, 8, 'conf-paced')
          expect(sim.ledger().requestsByStatus['429']).toBeUndefined()
          expect(sim.ledger().totals.creates).toBe(8)
        },
        { requestsPerSecond: 4, requestBurst: 2 },
      )
    },
  },
  {
    row: 7,
    name: "with the account capped at 4 in flight, the governor at the spec's concurrency draws no refusal",
    async run(estate) {
      const { sim, client, config } = partsOf(estate)
      sim.setScenario({
        concurrencyLimit: config.concurrencyLimit,
        latencyMs: { min: 30, max: 30 },
      })
      await governedCreates(client, config, 12, 'conf-capped')
      expect(sim.ledger().concurrency).toMatchObject({ rejected: 0, limit: 4 })
      expect(sim.ledger().concurrency.max).toBeLessThanOrEqual(4)
      // Ungoverned, the cap answers 429 concurrency_limit_exceeded: throttled for 1 s.
      const burst = await Promise.allSettled(
        Array.from({ length: 8 }, () => client.inventorySnapshot({ skus: ['SKU-2'] })),
      )
      const refused = burst.flatMap((r) => (r.status === 'rejected' ? [r.reason as HubError] : []))
      expect(refused.length).toBeGreaterThan(0)
      expect(refused[0]).toMatchObject({
        type: 'throttled',
        code: 'concurrency_limit_exceeded',
        retryAfterMs: 1000,
      })
    },
  },
  {
    row: 9,
    name: '201 gives the id; a create with another key for a used reference returns the existing order from the 409',
    async run(estate) {
      const { sim, client } = partsOf(estate)
      const first = await client.createFulfillmentOrder(createBody('conf-ref-1'), {
        idempotencyKey: 'a',
      })
      expect(first).toMatchObject({ created: true, id: expect.stringMatching(/^fo_/) })
      const again = await client.createFulfillmentOrder(createBody('conf-ref-1'), {
        idempotencyKey: 'b',
      })
      expect(again).toEqual({ id: first.id, created: false, order: undefined })
      expect(
        sim
          .requests()
          .filter((r) => r.method === 'POST')
          .map((r) => r.status),
      ).toEqual([201, 409])
      expect(estate.countAtTarget('conf-ref-1')).toBe(1)
    },
  },
  {
    row: 10,
    name: 'with the Idempotency-Key ignored (naive), a replay after commit-then-drop still makes one order',
    async run(estate) {
      const { sim } = partsOf(estate)
      sim.setScenario({ sequence: ['commitThenDrop'], idempotency: 'naive' })
      const lost = await rejection(estate.write('conf-naive-1', { idempotencyKey: 'idem-naive-1' }))
      expect(lost.type).toBe('unknown_outcome')
      const found = await estate.lookup('conf-naive-1')
      const replay = await estate.write('conf-naive-1', { idempotencyKey: 'idem-naive-1' })
      expect(replay.id).toBe(found?.id)
      expect(estate.countAtTarget('conf-naive-1')).toBe(1)
    },
  },
  {
    row: 12,
    name: 'a cancel is repeat-safe before shipping; once the warehouse shipped it, 409 order_already_shipped is validation',
    async run(estate) {
      const { sim, client } = partsOf(estate)
      await estate.write('conf-cancel-1', { idempotencyKey: 'idem-cancel-1' })
      expect((await client.cancelByReference('conf-cancel-1', { reason: 'customer' })).status).toBe(
        'cancelled',
      )
      expect((await client.cancelByReference('conf-cancel-1')).status).toBe('cancelled')
      const effect = sim.ledger().effects.find((e) => e.businessKey === 'conf-cancel-1')
      expect(effect).toMatchObject({ creates: 1, updates: 1 })
      const { id } = await estate.write('conf-cancel-2', { idempotencyKey: 'idem-cancel-2' })
      expect(sim.shipOrder(id, {}).ok).toBe(true)
      const late = await rejection(client.cancelByReference('conf-cancel-2'))
      expect([late.type, late.code, late.status]).toEqual([
        'validation',
        'order_already_shipped',
        409,
      ])
    },
  },
  {
    row: 14,
    name: "422 validation_failed is validation with the first field's code and path, every field in the message",
    async run(estate) {
      const { sim, client } = partsOf(estate)
      const body = { ...createBody('conf-invalid-1', 'NO-SUCH-SKU') }
      body.ship_to = { ...body.ship_to, country_code: 'Denmark' }
      const error = await rejection(
        client.createFulfillmentOrder(body, { idempotencyKey: 'inv-1' }),
      )
      expect([error.type, error.status]).toEqual(['validation', 422])
      expect(error.message).toContain('ship_to.country_code invalid')
      expect(error.message).toContain('lines[0].sku unknown_sku')
      expect(error.path).toBe('ship_to.country_code')
      expect(estate.countAtTarget('conf-invalid-1')).toBe(0)
      // A ship-to the warehouse would refuse is refused before anything is sent.
      const sent = sim.requests().length
      const order = sampleOrder('conf-invalid-2')
      const noCity = { ...order, shippingAddress: { ...order.shippingAddress, city: undefined } }
      const local = await rejection(
        Promise.resolve().then(() => canonicalOrderToFulfillmentOrder(noCity)),
      )
      expect([local.type, local.path]).toEqual(['validation', 'shippingAddress.city'])
      expect(sim.requests()).toHaveLength(sent)
    },
  },
  {
    row: 15,
    name: 'webhooks missed while the endpoint was disabled (410) are recovered by the snapshot and the read by reference',
    async run() {
      const gone = await startHookReceiver(() => ({ status: 410 }))
      try {
        await withSim({ webhookSubscribers: [{ url: gone.url }] }, async (sim, client) => {
          sim.adjustInventory({ sku: 'SKU-3', warehouse: 'WH-EAST', reason: 'damage', quantity: 4 })
          const created = await client.createFulfillmentOrder(createBody('conf-missed-1', 'SKU-3'))
          sim.shipOrder(created.id, { carrier: 'DHL', trackingNumber: '4711000001' })
          await sim.deliveriesSettled(5000)
          expect(sim.webhookEndpoints()[0]?.disabled).toBe(true)
          const missed = sim.events()
          expect(missed.map((e) => e.type)).toEqual([
            'inventory.adjusted',
            'shipment.confirmed',
            'inventory.adjusted',
          ])
          const snapshot = await client.inventorySnapshot({ skus: ['SKU-3'] })
          expect(snapshot.asOfSequence).toBeGreaterThanOrEqual(
            Math.max(...missed.map((e) => e.sequence)),
          )
          const lastEvent = threePlInventoryEventToCanonical(missed.at(-1)?.payload)
          const level = snapshot.levels.find((l) => l.locationId === 'WH-EAST')
          expect(level?.onHand).toBe(lastEvent.onHand)
          expect(level?.onHand).toBe(100 - 4 - 1)
          const order = await client.getFulfillmentOrderByReference('conf-missed-1')
          const shipment = threePlOrderToShipment(order)
          const { shipTo: _shipTo, ...recovered } = shipment ?? {}
          expect(recovered).toEqual(threePlShipmentEventToCanonical(missed[1]?.payload))
        })
      } finally {
        await gone.close()
      }
    },
  },
  {
    row: 16,
    name: 'a create that commits and answers after our deadline is unknown_outcome; the read finds it, the keyed retry replays it',
    async run() {
      await withSim(
        { scenario: { sequence: ['timeout'], timeout: { delayMs: 1500, commit: true } } },
        async (sim, client) => {
          const slow = await rejection(
            client.createFulfillmentOrder(createBody('conf-slow-1'), { idempotencyKey: 'slow-1' }),
          )
          expect(slow.type).toBe('unknown_outcome')
          const found = await client.getFulfillmentOrderByReference('conf-slow-1')
          const retry = await client.createFulfillmentOrder(createBody('conf-slow-1'), {
            idempotencyKey: 'slow-1',
          })
          expect(retry.id).toBe(found?.id)
          expect(sim.ledger().effects[0]).toMatchObject({ creates: 1, replays: 1 })
        },
        { requestTimeoutMs: 300 },
      )
    },
  },
  {
    row: 18,
    name: "the edge's HTML 503 and the API's 500 are retryable and write nothing; the retry goes through",
    async run(estate) {
      const { sim } = partsOf(estate)
      sim.setScenario({ sequence: ['http5xx'], statuses: [503] })
      const edge = await rejection(
        estate.write('conf-outage-1', { idempotencyKey: 'idem-outage-1' }),
      )
      expect([edge.type, edge.status]).toEqual(['retryable', 503])
      sim.setScenario({ sequence: ['http5xx'], statuses: [500] })
      const api = await rejection(
        estate.write('conf-outage-1', { idempotencyKey: 'idem-outage-1' }),
      )
      expect([api.type, api.code]).toEqual(['retryable', 'internal_error'])
      expect(estate.countAtTarget('conf-outage-1')).toBe(0)
      await estate.write('conf-outage-1', { idempotencyKey: 'idem-outage-1' })
      expect(estate.countAtTarget('conf-outage-1')).toBe(1)
    },
  },
]
