/** @module test/connectors/conformance/sap-subject — the SAP S/4HANA connector as the conformance suite drives it, against the SAP simulator over HTTP. */
import { expect } from 'vitest'
import { Order } from '../../../src/canonical/index.ts'
import { systemClock } from '../../../src/clock/clock.ts'
import { createSalesOrdersOnce } from '../../../src/connectors/sap/sap-batch.ts'
import { SapClient } from '../../../src/connectors/sap/sap-client.ts'
import type { SapCall } from '../../../src/connectors/sap/sap-client.ts'
import { sapConnectorSpec } from '../../../src/connectors/sap/sap-connector-spec.ts'
import {
  canonicalOrderToSapSalesOrder,
  sapSalesOrderReference,
} from '../../../src/connectors/sap/sap-mapping.ts'
import {
  BUSINESS_PARTNER_SERVICE,
  SALES_ORDER_SERVICE,
  entityPath,
} from '../../../src/connectors/sap/sap-odata-path.ts'
import {
  readSalesOrder,
  updateSalesOrderHeader,
} from '../../../src/connectors/sap/sap-operations.ts'
import {
  sapBusinessPartnerToCanonical,
  sapSalesOrderToSnapshot,
} from '../../../src/connectors/sap/sap-reverse-mapping.ts'
import { parseSapConnectionConfig } from '../../../src/connectors/sap/sap-spec.ts'
import type { SapConnectionConfig } from '../../../src/connectors/sap/sap-spec.ts'
import { entityOf } from '../../../src/connectors/sap/sap-odata-json.ts'
import { parseUntrustedJson } from '../../../src/connectors/wire/untrusted-json.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { createSapOrderPort } from '../../../src/flows/order-to-erp/sap-order-port.ts'
import type { ErpOrderPort } from '../../../src/flows/order-to-erp/erp-order-port.ts'
import { createSapSimulator } from '../../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../../src/sandbox/sap/sap-simulator.ts'
import { rejection } from './conformance-subject.ts'
import type {
  ConformanceEstate,
  ConformanceSubject,
  FaultRowCheck,
  WriteOptions,
} from './conformance-subject.ts'

/** The path of the connector's logon: the GET with `X-CSRF-Token: Fetch` on the service root. */
const LOGON_PATH = '/sap/opu/odata/sap/API_SALES_ORDER_SRV/'
/** A seeded customer in sales area 1710/10/00. */
export const SOLD_TO = '17100001'

/** A connection config for `sim`: small timeouts for tests, concurrency below the probe's 24. */
export function sapTestConfig(
  sim: SapSimulator,
  overrides: Record<string, unknown> = {},
): SapConnectionConfig {
  return parseSapConnectionConfig({
    baseUrl: sim.baseUrl,
    username: sim.username,
    password: sim.password,
    requestTimeoutMs: 5_000,
    concurrencyLimit: 4,
    ...overrides,
  })
}

/** A canonical Shopify order with source id `id`: SKU-1 (9.99 in the simulator's catalogue). */
export function sampleOrder(
  id: string,
  lines: { sku: string; quantity: number }[] = [{ sku: 'SKU-1', quantity: 2 }],
): Order {
  return Order.parse({
    kind: 'order',
    schemaVersion: 1,
    source: { system: 'shopify', id, version: '2026-01-10T15:00:00Z' },
    orderName: `#${id}`,
    currency: 'USD',
    customer: {
      kind: 'customer',
      schemaVersion: 1,
      source: { system: 'shopify', id: `cust-${id}` },
      email: 'zoe@example.com',
      firstName: 'Zoë',
      lastName: 'Ærøskøbing',
    },
    lines: lines.map((line, index) => ({
      sourceLineId: String(index + 1),
      sku: line.sku,
      title: `Item ${line.sku}`,
      quantity: line.quantity,
      unitPrice: '9.99',
    })),
    subtotal: '19.98',
    tax: '0.00',
    total: '19.98',
    placedAt: '2026-01-10T09:59:00-05:00',
  })
}

/** What the SAP fault checks reach beyond the shared estate: the simulator, the client, the port. */
export interface SapEstate extends ConformanceEstate {
  sim(): SapSimulator
  readonly client: SapClient
  readonly config: SapConnectionConfig
  readonly port: ErpOrderPort
  /** Sales orders the simulator holds for the order with source id `key`. */
  ordersAt(key: string): string[]
}

export function asSapEstate(estate: ConformanceEstate): SapEstate {
  if (!('client' in estate) || !(estate.client instanceof SapClient)) {
    throw new Error('not an SAP estate')
  }
  return estate as SapEstate
}

/** Starts a simulator and the connector against it. */
export async function startSapEstate(): Promise<SapEstate> {
  let sim = createSapSimulator({ seed: 17 })
  await sim.start()
  const config = sapTestConfig(sim)
  const client = new SapClient(config)
  const port = createSapOrderPort(client, config)
  const ordersAt = (key: string): string[] => {
    const reference = sapSalesOrderReference(sampleOrder(key))
    return (sim.entities('A_SalesOrder') ?? [])
      .map((e) => e as Record<string, unknown>)
      .filter((e) => e.PurchaseOrderByCustomer === reference)
      .map((e) => String(e.SalesOrder))
  }
  const write = async (key: string, options: WriteOptions): Promise<{ id: string }> => {
    const signal = options.signal ?? new AbortController().signal
    const { id } = await port.upsertSalesOrder(sampleOrder(key), SOLD_TO, {
      idempotencyKey: options.idempotencyKey,
      signal,
    })
    return { id }
  }
  return {
    sim: () => sim,
    client,
    config,
    port,
    ordersAt,
    async authenticatedRead() {
      const read = await client.read(
        BUSINESS_PARTNER_SERVICE,
        entityPath('A_BusinessPartner', SOLD_TO),
      )
      expect(read?.entity.BusinessPartner).toBe(SOLD_TO)
    },
    expireCredentials: () => {
      sim.expireSessions()
      return Promise.resolve()
    },
    credentialRequests: () =>
      sim.requests().filter((r) => r.method === 'GET' && r.path === LOGON_PATH).length,
    // The communication user's password is changed in SAP: the same system, on the same port,
    // now refuses the connector's logon (and knows none of its sessions).
    async revokeCredentials() {
      const port = Number(new URL(sim.baseUrl).port)
      await sim.stop()
      sim = createSapSimulator({ seed: 17, port, password: 'Changed-By-Admin-2' })
      await sim.start()
    },
    write,
    async lookup(key) {
      const found = await port.findSalesOrder(
        sampleOrder(key),
        undefined,
        AbortSignal.timeout(10_000),
      )
      return found === null ? null : { id: found.id }
    },
    countAtTarget: (key) => ordersAt(key).length,
    commitThenDropNextWrite: () => {
      sim.setScenario({ sequence: ['commitThenDrop'] })
      return Promise.resolve()
    },
    throttleNextWrite: () => {
      sim.setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 2, max: 2 } })
      return Promise.resolve()
    },
    async governorProbe(count) {
      const gates = new TargetGates(systemClock, silentObserver)
      const governance = sapConnectorSpec.governance(config)
      gates.configure(governance.target, {
        concurrency: governance.concurrency,
        ...(governance.rate === undefined ? {} : { rate: governance.rate }),
      })
      await Promise.all(
        Array.from({ length: count }, (_, i) => {
          // One signal per delivery, as the engine gives each run its own lease.
          const signal = new AbortController().signal
          return gates.run(governance.target, signal, () =>
            write(`probe-${i}`, { idempotencyKey: `idem-probe-${i}`, signal }),
          )
        }),
      )
      return {
        maxInFlightAtSimulator: sim.ledger().concurrency.max,
        limit: governance.concurrency,
      }
    },
    stop: () => sim.stop(),
  }
}

const call = (key: string) => ({
  idempotencyKey: `idem-${key}`,
  signal: AbortSignal.timeout(30_000),
})
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']

/** One check per fault checklist row the spec declares, each against the simulator. */
const sapFaultChecks: readonly FaultRowCheck[] = [
  {
    row: 6,
    name: '429 and 503 with Retry-After are throttled for as long as SAP said; nothing is written',
    async run(estate) {
      const s = asSapEstate(estate)
      await s.authenticatedRead()
      s.sim().setScenario({ sequence: ['rateLimit'], retryAfterSeconds: { min: 3, max: 3 } })
      const limited = await rejection(s.write('row6-a', call('row6-a')))
      expect(limited).toMatchObject({ type: 'throttled', status: 429, retryAfterMs: 3000 })
      s.sim().setScenario({
        sequence: ['http5xx'],
        statuses: [503],
        retryAfterSeconds: { min: 2, max: 2 },
      })
      const unavailable = await rejection(s.write('row6-b', call('row6-b')))
      expect(unavailable).toMatchObject({ type: 'throttled', status: 503, retryAfterMs: 2000 })
      expect(s.countAtTarget('row6-a') + s.countAtTarget('row6-b')).toBe(0)
    },
  },
  {
    row: 8,
    name: 'a rotated token, an expired session and a refusing balancer cost one shared re-fetch and one retry; a second refusal is auth',
    async run(estate) {
      const s = asSapEstate(estate)
      await s.write('row8-warm', call('row8-warm'))
      const concurrentWrites = async (keys: string[]): Promise<number> => {
        const before = s.credentialRequests()
        await Promise.all(keys.map((k) => s.write(k, call(k))))
        for (const k of keys) expect(s.countAtTarget(k), k).toBe(1)
        return s.credentialRequests() - before
      }
      s.sim().rotateCsrfTokens()
      expect(await concurrentWrites(['row8-a', 'row8-b', 'row8-c', 'row8-d', 'row8-e'])).toBe(1)
      s.sim().expireSessions()
      expect(await concurrentWrites(['row8-f', 'row8-g', 'row8-h'])).toBe(1)
      s.sim().rejectCsrf(1)
      expect(await concurrentWrites(['row8-i'])).toBe(1)
      s.sim().rejectCsrf(2)
      const refused = await rejection(s.write('row8-j', call('row8-j')))
      expect(refused).toMatchObject({ type: 'auth', status: 403 })
      expect(s.countAtTarget('row8-j')).toBe(0)
    },
  },
  {
    row: 9,
    name: 'the key comes back without leading zeros and a zero-padded key reads the same order',
    async run(estate) {
      const s = asSapEstate(estate)
      const { id } = await s.write('row9', call('row9'))
      expect(id).toMatch(/^[1-9]\d{0,9}$/)
      const read = await readSalesOrder(s.client, id.padStart(10, '0'))
      expect(read?.etag).toMatch(/^W\/"datetimeoffset'/)
      expect(read?.snapshot).toMatchObject({
        source: { system: 'sap', id },
        reference: sapSalesOrderReference(sampleOrder('row9')),
        soldToParty: SOLD_TO,
        netAmount: '19.98',
      })
    },
  },
  {
    row: 10,
    name: 'the same order sent twice is one sales order, one create in the ledger',
    async run(estate) {
      const s = asSapEstate(estate)
      const order = sampleOrder('row10')
      const first = await s.port.upsertSalesOrder(order, SOLD_TO, call('row10'))
      const again = await s.port.upsertSalesOrder(order, SOLD_TO, call('row10'))
      expect(again.id).toBe(first.id)
      const reference = sapSalesOrderReference(order)
      const effect = s
        .sim()
        .ledger()
        .effects.find((e) => e.recordType === 'A_SalesOrder' && e.businessKey === reference)
      expect(effect).toMatchObject({ creates: 1, writes: 1 })
    },
  },
  {
    row: 12,
    name: "a change over a user's edit is a 412 conflict, one without If-Match a 428 validation; re-read and it applies",
    async run(estate) {
      const s = asSapEstate(estate)
      const { id } = await s.write('row12', call('row12'))
      const before = await readSalesOrder(s.client, id)
      expect(before?.etag).toBeDefined()
      expect(s.sim().edit('A_SalesOrder', id, { DeliveryBlockReason: '01' })).toHaveProperty('etag')
      const change = { HeaderBillingBlockReason: '02' }
      const stale = await rejection(
        updateSalesOrderHeader(s.client, id, change, before?.etag ?? ''),
      )
      expect(stale).toMatchObject({ type: 'conflict', status: 412, code: '/IWBEP/CM_MGW_RT/190' })
      const unguarded: SapCall = {
        method: 'PATCH',
        service: SALES_ORDER_SERVICE,
        path: entityPath('A_SalesOrder', id),
        operation: 'update',
        body: JSON.stringify(change),
      }
      const response = await s.client.send(unguarded)
      const missing = await rejection(
        Promise.resolve().then(() => s.client.expectSuccess(unguarded, response)),
      )
      expect(missing).toMatchObject({ type: 'validation', status: 428 })
      const fresh = await readSalesOrder(s.client, id)
      const updated = await updateSalesOrderHeader(s.client, id, change, fresh?.etag ?? '')
      expect(updated.etag).toBeDefined()
      expect(updated.etag).not.toBe(fresh?.etag)
    },
  },
  {
    row: 13,
    name: 'a $batch with one failing changeset: the others commit, each order has its own outcome, a repeat creates nothing more',
    async run(estate) {
      const s = asSapEstate(estate)
      const bodies = [
        sampleOrder('row13-a'),
        sampleOrder('row13-b', [{ sku: 'NO-SUCH-MATERIAL', quantity: 1 }]),
        sampleOrder('row13-c', [{ sku: 'SKU-7', quantity: 3 }]),
      ].map((order) => canonicalOrderToSapSalesOrder(order, SOLD_TO, s.config))
      const first = await createSalesOrdersOnce(s.client, bodies)
      expect(first.map((r) => r.outcome.ok)).toEqual([true, false, true])
      const failed = first[1]?.outcome
      expect(failed?.ok === false && failed.error).toMatchObject({
        type: 'validation',
        code: 'V1/392',
      })
      const again = await createSalesOrdersOnce(s.client, bodies)
      expect(again.map((r) => r.outcome.ok && r.outcome.created)).toEqual([false, false, false])
      expect(again.map((r) => r.outcome.ok && r.outcome.salesOrder)).toEqual(
        first.map((r) => r.outcome.ok && r.outcome.salesOrder),
      )
      expect(['row13-a', 'row13-b', 'row13-c'].map((k) => s.countAtTarget(k))).toEqual([1, 0, 1])
    },
  },
  {
    row: 14,
    name: 'V1/320 (sold-to not a customer in the sales area) is validation with the message and field',
    async run(estate) {
      const s = asSapEstate(estate)
      const error = await rejection(
        s.port.upsertSalesOrder(sampleOrder('row14'), '17300001', call('row14')),
      )
      expect(error).toMatchObject({ type: 'validation', code: 'V1/320', path: 'SoldToParty' })
      expect(error.message).toContain('not maintained for sales area 1710/10/00')
      expect(s.countAtTarget('row14')).toBe(0)
    },
  },
  {
    row: 16,
    name: 'an answer held past the deadline after commit is unknown_outcome; the query finds the order; the retry creates nothing',
    async run(estate) {
      const s = asSapEstate(estate)
      const impatient = createSapOrderPort(
        new SapClient(sapTestConfig(s.sim(), { requestTimeoutMs: 1_500 })),
        s.config,
      )
      s.sim().setScenario({ sequence: ['timeout'], timeout: { delayMs: 8_000, commit: true } })
      const order = sampleOrder('row16')
      const error = await rejection(impatient.upsertSalesOrder(order, SOLD_TO, call('row16')))
      expect(error.type).toBe('unknown_outcome')
      const found = await impatient.findSalesOrder(order, undefined, AbortSignal.timeout(10_000))
      expect(found).not.toBeNull()
      const retried = await impatient.upsertSalesOrder(order, SOLD_TO, call('row16'))
      expect(retried.id).toBe(found?.id)
      expect(s.countAtTarget('row16')).toBe(1)
    },
  },
  {
    row: 17,
    name: 'a new mandatory extension field makes creates fail 00/055: validation naming the field',
    async run(estate) {
      const s = asSapEstate(estate)
      s.sim().extend({
        entitySet: 'A_SalesOrder',
        name: 'YY1_SalesChannel',
        maxLength: 20,
        label: 'Sales channel',
        mandatory: true,
      })
      const error = await rejection(s.write('row17', call('row17')))
      expect(error).toMatchObject({ type: 'validation', code: '00/055', path: 'YY1_SalesChannel' })
      expect(s.countAtTarget('row17')).toBe(0)
    },
  },
  {
    row: 18,
    name: 'during maintenance (503 with Retry-After on reads and writes) calls are throttled, and resume after',
    async run(estate) {
      const s = asSapEstate(estate)
      s.sim().setScenario({
        faults: { http5xx: 1 },
        statuses: [503],
        retryAfterSeconds: { min: 30, max: 30 },
        faultMethods: ALL_METHODS,
      })
      const read = await rejection(s.authenticatedRead())
      expect(read).toMatchObject({ type: 'throttled', status: 503, retryAfterMs: 30_000 })
      const write = await rejection(s.write('row18', call('row18')))
      expect(write).toMatchObject({ type: 'throttled', status: 503 })
      s.sim().setScenario({})
      await s.write('row18', call('row18'))
      expect(s.countAtTarget('row18')).toBe(1)
    },
  },
]

const fixtureMapper = (map: (entity: Record<string, unknown>) => unknown) => (payload: Buffer) => {
  const entity = entityOf(parseUntrustedJson(payload, { source: 'SAP fixture' }))
  if (entity === undefined) throw new Error('the fixture is not an OData entity')
  return map(entity)
}

export const sapSubject: ConformanceSubject = {
  spec: sapConnectorSpec,
  validConfig: {
    baseUrl: 'https://my300000-api.s4hana.cloud.sap',
    username: 'SYNCLINE_INT',
    password: 'not-a-real-password',
  },
  requiredFields: ['baseUrl', 'username', 'password'],
  golden: [
    { name: 'sap/business-partner-person', map: fixtureMapper(sapBusinessPartnerToCanonical) },
    {
      name: 'sap/business-partner-organization-minimal',
      map: fixtureMapper(sapBusinessPartnerToCanonical),
    },
    { name: 'sap/sales-order-with-items', map: fixtureMapper(sapSalesOrderToSnapshot) },
  ],
  goldenCovers: ['money-strings'],
  start: startSapEstate,
  faultChecks: sapFaultChecks,
}
