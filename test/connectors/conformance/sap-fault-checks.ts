/** @module test/connectors/conformance/sap-fault-checks — the checks under each fault-checklist row the SAP connector declares, run by the shared suite against the simulator. */
import { expect } from 'vitest'
import { createSalesOrdersOnce } from '../../../src/connectors/sap/sap-batch.ts'
import { SapClient } from '../../../src/connectors/sap/sap-client.ts'
import type { SapCall } from '../../../src/connectors/sap/sap-client.ts'
import {
  canonicalOrderToSapSalesOrder,
  sapSalesOrderReference,
} from '../../../src/connectors/sap/sap-mapping.ts'
import { SALES_ORDER_SERVICE, entityPath } from '../../../src/connectors/sap/sap-odata-path.ts'
import {
  readSalesOrder,
  updateSalesOrderHeader,
} from '../../../src/connectors/sap/sap-operations.ts'
import { createSapOrderPort } from '../../../src/flows/order-to-erp/sap-order-port.ts'
import { rejection } from './conformance-subject.ts'
import type { FaultRowCheck } from './conformance-subject.ts'
import { SOLD_TO, asSapEstate, sampleOrder, sapTestConfig } from './sap-estate.ts'

const call = (key: string) => ({
  idempotencyKey: `idem-${key}`,
  signal: AbortSignal.timeout(30_000),
})
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']

/** One check per fault checklist row the spec declares, each against the simulator. */
export const sapFaultChecks: readonly FaultRowCheck[] = [
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
