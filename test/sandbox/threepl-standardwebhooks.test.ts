/** @module test/sandbox/threepl-standardwebhooks.test — the simulator's webhooks checked by the real `standardwebhooks` library inside a real HTTP receiver: valid deliveries verify, tampering and skewed clocks do not, and both secrets verify during a rotation. */

import { randomBytes } from 'node:crypto'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import type {
  ThreePlSimulator,
  ThreePlSimulatorOptions,
} from '../../src/sandbox/threepl/threepl-simulator.ts'
import {
  apiClient,
  orderBody,
  simPost,
  startHookReceiver,
  startThreePl,
} from './threepl-test-kit.ts'
import type { Hook, HookReceiver } from './threepl-test-kit.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** The three headers as the library wants them, from what Node's server received. */
function swHeaders(hook: Hook): {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
} {
  const pick = (name: string): string => {
    const value = hook.headers[name]
    if (typeof value !== 'string') throw new Error(`missing ${name}`)
    return value
  }
  return {
    'webhook-id': pick('webhook-id'),
    'webhook-timestamp': pick('webhook-timestamp'),
    'webhook-signature': pick('webhook-signature'),
  }
}

const verifies = (
  secret: string,
  hook: Hook,
  headers = swHeaders(hook),
  body = hook.body,
): boolean => {
  try {
    new Webhook(secret).verify(body, headers)
    return true
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false
    throw error
  }
}

/** A consumer that does what the spec asks: verify, answer 401 when it does not. */
async function start(
  options: ThreePlSimulatorOptions = {},
): Promise<{ sim: ThreePlSimulator; hook: HookReceiver; secret: () => string; accepted: Hook[] }> {
  let secret = ''
  const accepted: Hook[] = []
  const hook = await startHookReceiver((_n, received) => {
    if (!verifies(secret, received)) return { status: 401 }
    accepted.push(received)
    return { status: 204 }
  }, cleanups)
  const sim = await startThreePl({ webhookRetryScheduleMs: [50, 100, 200], ...options }, cleanups)
  const created = await apiClient(sim).call('POST', '/v1/webhooks', {
    url: hook.url,
    events: ['shipment.confirmed', 'inventory.adjusted'],
  })
  expect(created.status).toBe(201)
  secret = ((await created.json()) as { secret: string }).secret
  return { sim, hook, secret: () => secret, accepted }
}

async function shipOne(sim: ThreePlSimulator, reference: string): Promise<void> {
  const created = await apiClient(sim).call('POST', '/v1/fulfillment_orders', orderBody(reference))
  const { id } = (await created.json()) as { id: string }
  expect(sim.shipOrder(id, {}).ok).toBe(true)
}

describe('Standard Webhooks signatures, verified by the standardwebhooks library', () => {
  it('every delivery verifies with the endpoint secret and parses to the payload', async () => {
    const { sim, hook, secret, accepted } = await start()
    await shipOne(sim, 'SW-1')
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(2)
    expect(accepted).toHaveLength(2)
    const [shipment] = hook.received
    if (!shipment) throw new Error('no delivery')
    const parsed = new Webhook(secret()).verify(shipment.body.toString('utf8'), swHeaders(shipment))
    expect(parsed).toMatchObject({
      type: 'shipment.confirmed',
      data: { external_reference: 'SW-1' },
    })
    expect(sim.deliveries().every((d) => d.state === 'delivered' && d.attempts === 1)).toBe(true)
  })

  it('rejects a tampered body, timestamp, id or signature, and another secret', async () => {
    const { sim, hook, secret } = await start()
    sim.adjustInventory({ sku: 'SKU-3', warehouse: 'WH-EAST', reason: 'damage', quantity: 1 })
    await sim.deliveriesSettled(5000)
    const [received] = hook.received
    if (!received) throw new Error('no delivery')
    const headers = swHeaders(received)
    expect(verifies(secret(), received)).toBe(true)
    const body = Buffer.from(received.body.toString('utf8').replace('"delta":-1', '"delta":-100'))
    expect(body.equals(received.body)).toBe(false)
    expect(verifies(secret(), received, headers, body)).toBe(false)
    const later = String(Number(headers['webhook-timestamp']) + 1)
    expect(verifies(secret(), received, { ...headers, 'webhook-timestamp': later })).toBe(false)
    expect(verifies(secret(), received, { ...headers, 'webhook-id': 'msg_forged' })).toBe(false)
    const flipped = `v1,${Buffer.from(randomBytes(32)).toString('base64')}`
    expect(verifies(secret(), received, { ...headers, 'webhook-signature': flipped })).toBe(false)
    const other = `whsec_${randomBytes(32).toString('base64')}`
    expect(verifies(other, received)).toBe(false)
  })

  it("a warehouse clock ten minutes off fails the receiver's timestamp tolerance, though the signature is right", async () => {
    const ahead = await start()
    await simPost(ahead.sim, '/clock', { advanceMs: 10 * 60_000 })
    ahead.sim.adjustInventory({
      sku: 'SKU-3',
      warehouse: 'WH-EAST',
      reason: 'receipt',
      quantity: 1,
    })
    await ahead.sim.deliveriesSettled(5000)
    const [early] = ahead.hook.received
    if (!early) throw new Error('no delivery')
    expect(() => new Webhook(ahead.secret()).verify(early.body, swHeaders(early))).toThrow(
      'Message timestamp too new',
    )
    const behind = await start({ now: () => Date.now() - 10 * 60_000 })
    behind.sim.adjustInventory({
      sku: 'SKU-3',
      warehouse: 'WH-EAST',
      reason: 'receipt',
      quantity: 1,
    })
    await behind.sim.deliveriesSettled(5000)
    const [late] = behind.hook.received
    if (!late) throw new Error('no delivery')
    expect(() => new Webhook(behind.secret()).verify(late.body, swHeaders(late))).toThrow(
      'Message timestamp too old',
    )
    // Both receivers refused with 401, so the simulator kept retrying until it gave up.
    expect(ahead.sim.deliveries()[0]).toMatchObject({ state: 'failed', lastStatus: 401 })
  })

  it('during a rotation both secrets verify; after the window only the new one does', async () => {
    const { sim, hook, secret } = await start({ webhookSecretRotationMs: 60_000 })
    const oldSecret = secret()
    const endpointId = sim.webhookEndpoints()[0]?.id
    const rotated = await apiClient(sim).call('POST', `/v1/webhooks/${endpointId}/rotate_secret`)
    expect(rotated.status).toBe(200)
    const { secret: newSecret, previous_secret_expires_at: expiresAt } = (await rotated.json()) as {
      secret: string
      previous_secret_expires_at: string
    }
    expect(newSecret).not.toBe(oldSecret)
    expect(Date.parse(expiresAt) - sim.now()).toBeGreaterThan(55_000)

    sim.adjustInventory({ sku: 'SKU-8', warehouse: 'WH-EAST', reason: 'receipt', quantity: 2 })
    await sim.deliveriesSettled(5000)
    const during = hook.received.at(-1)
    if (!during) throw new Error('no delivery')
    expect(swHeaders(during)['webhook-signature'].split(' ')).toHaveLength(2)
    expect(verifies(oldSecret, during)).toBe(true)
    expect(verifies(newSecret, during)).toBe(true)

    await simPost(sim, '/clock', { advanceMs: 61_000 })
    sim.adjustInventory({ sku: 'SKU-8', warehouse: 'WH-EAST', reason: 'receipt', quantity: 2 })
    await sim.deliveriesSettled(5000)
    const after = hook.received.at(-1)
    if (!after || after === during) throw new Error('no delivery after the window')
    expect(swHeaders(after)['webhook-signature'].split(' ')).toHaveLength(1)
    expect(verifies(newSecret, after)).toBe(true)
    expect(verifies(oldSecret, after)).toBe(false)
  })

  it('a rotation to a secret of our own through /__sim is honoured by the library', async () => {
    const { sim, hook } = await start()
    const ours = `whsec_${randomBytes(24).toString('base64')}`
    const endpointId = sim.webhookEndpoints()[0]?.id ?? ''
    const response = await simPost(sim, `/webhooks/${endpointId}/rotate`, { secret: ours })
    expect(response.status).toBe(200)
    expect(
      (await simPost(sim, `/webhooks/${endpointId}/rotate`, { secret: 'whsec_!!' })).status,
    ).toBe(400)
    sim.adjustInventory({ sku: 'SKU-8', warehouse: 'WH-EAST', reason: 'receipt', quantity: 1 })
    await sim.deliveriesSettled(5000)
    const received = hook.received.at(-1)
    if (!received) throw new Error('no delivery')
    expect(verifies(ours, received)).toBe(true)
  })

  it('a bad-signature fault is refused by the receiver, and the retry, freshly signed, verifies', async () => {
    const { sim, hook, secret, accepted } = await start()
    sim.setWebhookFaults({ sequence: ['badSignature'] })
    sim.adjustInventory({ sku: 'SKU-9', warehouse: 'WH-WEST', reason: 'receipt', quantity: 1 })
    await sim.deliveriesSettled(5000)
    expect(hook.received).toHaveLength(2)
    const [forged, retry] = hook.received
    if (!forged || !retry) throw new Error('expected two attempts')
    expect(verifies(secret(), forged)).toBe(false)
    expect(verifies(secret(), retry)).toBe(true)
    expect(retry.headers['webhook-id']).toBe(forged.headers['webhook-id'])
    expect(accepted).toEqual([retry])
    expect(sim.deliveries()[0]?.history.map((a) => a.status)).toEqual([401, 204])
  })
})
