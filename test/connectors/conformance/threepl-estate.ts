/** @module test/connectors/conformance/threepl-estate — a started 3PL simulator and the connector wired to it (client, governor, webhook receiver), for the conformance suite and the fault checks. */
import { randomBytes } from 'node:crypto'
import { Order } from '../../../src/canonical/index.ts'
import { systemClock } from '../../../src/clock/clock.ts'
import { ThreePlClient } from '../../../src/connectors/threepl/threepl-client.ts'
import { threeplConnectorSpec } from '../../../src/connectors/threepl/threepl-connector-spec.ts'
import { canonicalOrderToFulfillmentOrder } from '../../../src/connectors/threepl/threepl-outbound-mapping.ts'
import { parseThreePlConnectionConfig } from '../../../src/connectors/threepl/threepl-spec.ts'
import type { ThreePlConnectionConfig } from '../../../src/connectors/threepl/threepl-spec.ts'
import { createThreePlWebhookReceiver } from '../../../src/connectors/threepl/threepl-webhook-receiver.ts'
import type { ThreePlWebhookAcceptance } from '../../../src/connectors/threepl/threepl-webhook-receiver.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { HubError } from '../../../src/errors/hub-error.ts'
import { createThreePlSimulator } from '../../../src/sandbox/threepl/threepl-simulator.ts'
import type { ThreePlSimulator } from '../../../src/sandbox/threepl/threepl-simulator.ts'
import { FAST_RETRIES, simPost, startHookReceiver } from '../../sandbox/threepl-test-kit.ts'
import type { Hook, HookReceiver } from '../../sandbox/threepl-test-kit.ts'
import type { ConformanceEstate } from './conformance-subject.ts'

/** The estate's parts the fault checks reach behind the suite's interface for. */
export interface ThreePlParts {
  sim: ThreePlSimulator
  config: ThreePlConnectionConfig
  client: ThreePlClient
  hooks: HookReceiver
  /** What the connector's receiver accepted and refused, delivery by delivery. */
  accepted: ThreePlWebhookAcceptance[]
  refused: HubError[]
  secret: string
}
export const parts = new WeakMap<ConformanceEstate, ThreePlParts>()
export const partsOf = (estate: ConformanceEstate): ThreePlParts => {
  const found = parts.get(estate)
  if (found === undefined) throw new Error('not a 3PL estate')
  return found
}

/** How long a replaced webhook secret keeps signing in the estate's simulator. */
export const ROTATION_WINDOW_MS = 1000

export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`

export const validConfig = {
  baseUrl: 'https://api.wms.example.com',
  apiKey: 'tpl_test_key',
  webhookSecrets: [newSecret()],
}

/** A storefront order as the engine hands it over; the ship-to name is deliberately not ASCII. */
export function sampleOrder(key: string, sku = 'SKU-1'): Order {
  return Order.parse({
    kind: 'order',
    schemaVersion: 1,
    source: { system: 'shopify', id: key },
    orderName: `#${key}`,
    currency: 'EUR',
    customer: {
      kind: 'customer',
      schemaVersion: 1,
      source: { system: 'shopify', id: '7001' },
      firstName: 'Zoë',
      lastName: 'Ærøskøbing',
      email: 'zoe@example.dk',
    },
    lines: [{ sourceLineId: '1', sku, title: 'Espresso cup', quantity: 1, unitPrice: '12.50' }],
    subtotal: '12.50',
    tax: '0.00',
    total: '12.50',
    shippingAddress: {
      name: 'Zoë Ærøskøbing',
      line1: 'Vestergade 1',
      city: 'Ærøskøbing',
      postalCode: '5970',
      countryCode: 'DK',
    },
    placedAt: '2026-01-01T10:00:00Z',
  })
}

/** A POST to the simulator's scenario API that must be accepted. */
export async function scriptSim(
  sim: ThreePlSimulator,
  path: string,
  body: unknown = {},
): Promise<void> {
  const response = await simPost(sim, path, body)
  if (response.ok) return
  throw new Error(`POST /__sim${path}: ${response.status} ${await response.text()}`)
}

/** Verifies each delivery with the connector's own receiver and answers as a hub would. */
export function receive(receiver: ReturnType<typeof createThreePlWebhookReceiver>, hook: Hook) {
  return receiver.accept({ rawBody: hook.body, headers: hook.headers, now: Date.now() })
}

/** Starts the simulator with a webhook receiver subscribed, and the connector's client against it. */
export async function startEstate(): Promise<ConformanceEstate> {
  const sim = createThreePlSimulator({
    seed: 11,
    progressionTickMs: 0,
    webhookRetryScheduleMs: FAST_RETRIES,
    webhookSecretRotationMs: ROTATION_WINDOW_MS,
  })
  await sim.start()
  const secret = newSecret()
  const config = parseThreePlConnectionConfig({
    baseUrl: sim.baseUrl,
    apiKey: sim.apiKey,
    webhookSecrets: [secret],
    requestTimeoutMs: 3_000,
    concurrencyLimit: 4,
  })
  const client = new ThreePlClient(config)
  const receiver = createThreePlWebhookReceiver({ tenantId: 'conformance', connection: config })
  const accepted: ThreePlWebhookAcceptance[] = []
  const refused: HubError[] = []
  const hooks = await startHookReceiver((_n, hook) => {
    try {
      accepted.push(receive(receiver, hook))
      return { status: 204 }
    } catch (error) {
      if (!HubError.is(error)) throw error
      refused.push(error)
      return { status: error.type === 'auth' ? 401 : 400 }
    }
  })
  sim.addWebhookSubscriber({ url: hooks.url, secret })
  const write = async (key: string, options: { idempotencyKey: string; signal?: AbortSignal }) => {
    const body = canonicalOrderToFulfillmentOrder(sampleOrder(key), { externalReference: key })
    const { id } = await client.createFulfillmentOrder(body, options)
    return { id }
  }
  const estate: ConformanceEstate = {
    async authenticatedRead() {
      await client.inventorySnapshot({ skus: ['SKU-1'] })
    },
    // The API key does not expire: no expireCredentials.
    // The WMS has no credential endpoint; anything the client sent outside its three resources
    // would be one, so the count proves it never asks for credentials.
    credentialRequests: () =>
      sim.requests().filter((r) => !/^\/v1\/(fulfillment_orders|inventory|webhooks)\b/.test(r.path))
        .length,
    async revokeCredentials() {
      // The WMS revokes the old key when it is rotated; the client still holds the old one.
      await scriptSim(sim, '/api-keys/rotate')
    },
    write,
    async lookup(key) {
      const found = await client.getFulfillmentOrderByReference(key)
      return found === null ? null : { id: found.id }
    },
    countAtTarget: (key) =>
      sim
        .ledger()
        .effects.find((e) => e.recordType === 'fulfillment_order' && e.businessKey === key)
        ?.creates ?? 0,
    // Through the scenario API over HTTP, as any test harness would script the WMS.
    async commitThenDropNextWrite() {
      await scriptSim(sim, '/scenario', { sequence: ['commitThenDrop'] })
    },
    async throttleNextWrite() {
      await scriptSim(sim, '/scenario', {
        sequence: ['rateLimit'],
        retryAfterSeconds: { min: 1, max: 1 },
      })
    },
    async governorProbe(count) {
      await scriptSim(sim, '/scenario', { latencyMs: { min: 20, max: 40 } })
      const limit = await governed(config, count, (i) =>
        write(`conf-governed-${i}`, { idempotencyKey: `idem-governed-${i}` }),
      )
      return { maxInFlightAtSimulator: sim.ledger().concurrency.max, limit }
    },
    async stop() {
      await sim.stop()
      await hooks.close()
    },
  }
  parts.set(estate, { sim, config, client, hooks, accepted, refused, secret })
  return estate
}

/** A fresh simulator for a check that needs options the estate's does not have. */
export async function withSim<T>(
  options: Parameters<typeof createThreePlSimulator>[0],
  run: (
    sim: ThreePlSimulator,
    client: ThreePlClient,
    config: ThreePlConnectionConfig,
  ) => Promise<T>,
  configOverrides: Record<string, unknown> = {},
): Promise<T> {
  const sim = createThreePlSimulator({ seed: 12, progressionTickMs: 0, ...options })
  await sim.start()
  try {
    const config = parseThreePlConnectionConfig({
      ...validConfig,
      baseUrl: sim.baseUrl,
      apiKey: sim.apiKey,
      ...configOverrides,
    })
    return await run(sim, new ThreePlClient(config), config)
  } finally {
    await sim.stop()
  }
}

export const createBody = (key: string, sku?: string) =>
  canonicalOrderToFulfillmentOrder(sampleOrder(key, sku), { externalReference: key })

/**
 * Runs `count` calls at once through the engine's real gates, configured from the spec's
 * governance, as every flow calling the account would share them. Returns the concurrency limit.
 */
export async function governed(
  config: ThreePlConnectionConfig,
  count: number,
  call: (i: number) => Promise<unknown>,
): Promise<number> {
  const governance = threeplConnectorSpec.governance(config)
  const gates = new TargetGates(systemClock, silentObserver)
  gates.configure(governance.target, {
    concurrency: governance.concurrency,
    ...(governance.rate === undefined ? {} : { rate: governance.rate }),
  })
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      gates.run(governance.target, new AbortController().signal, () => call(i)),
    ),
  )
  return governance.concurrency
}

/** `count` creates through the governor, as {@link governed}. */
export const governedCreates = (
  client: ThreePlClient,
  config: ThreePlConnectionConfig,
  count: number,
  prefix: string,
): Promise<number> =>
  governed(config, count, (i) =>
    client.createFulfillmentOrder(createBody(`${prefix}-${i}`), {
      idempotencyKey: `${prefix}-${i}`,
    }),
  )
