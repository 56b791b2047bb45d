/** @module test/connectors/sap-events-receiver — pushed S/4HANA business events against the SAP simulator over HTTP: resolved to the current state, deduplicated by id, reordered, deleted, malformed. */
import { afterEach, describe, expect, it } from 'vitest'
import { SAP_BUSINESS_EVENT_TYPES } from '../../src/connectors/sap/sap-event-mapping.ts'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import { SapEventReceiver } from '../../src/connectors/sap/sap-event-receiver.ts'
import type { SapEventResolution } from '../../src/connectors/sap/sap-event-receiver.ts'
import { sapEntityVersion } from '../../src/connectors/sap/sap-entity-version.ts'
import {
  BUSINESS_PARTNER_SERVICE,
  SALES_ORDER_SERVICE,
  entityPath,
} from '../../src/connectors/sap/sap-odata-path.ts'
import { parseSapConnectionConfig } from '../../src/connectors/sap/sap-spec.ts'
import { isSuperseded } from '../../src/engine/entity-version-guard.ts'
import { orderBody } from '../sandbox/sap-test-kit.ts'
import { startSapEventsEstate, storedEtag } from './sap-events-test-kit.ts'
import type { EstateOptions, SapEventsEstate } from './sap-events-test-kit.ts'

let estate: SapEventsEstate | undefined
afterEach(async () => {
  await estate?.close()
  estate = undefined
})
const start = async (options?: EstateOptions): Promise<SapEventsEstate> => {
  estate = await startSapEventsEstate(options)
  return estate
}

const PARTNER = '17100001'
const editPartner = (e: SapEventsEstate, changes: Record<string, unknown>) =>
  e.simPost('/edit', { set: 'A_BusinessPartner', key: PARTNER, changes })
const resolutions = (e: SapEventsEstate): SapEventResolution[] =>
  e.deliveries.flatMap((d) => (d.resolution === undefined ? [] : [d.resolution]))
/** The engine's version guard over a sequence of resolutions: which ones it would apply. */
const applied = (list: readonly SapEventResolution[]): SapEventResolution[] => {
  let version: number | null = null
  return list.filter((r) => {
    const ordinal = 'version' in r ? r.version?.ordinal : undefined
    if (ordinal === undefined) throw new Error(`no version ordinal on ${r.kind}`)
    if (isSuperseded(ordinal, version)) return false
    version = ordinal
    return true
  })
}

async function createOrder(e: SapEventsEstate, po: string): Promise<string> {
  return (await e.client.create(SALES_ORDER_SERVICE, 'A_SalesOrder', 'SalesOrder', orderBody(po)))
    .key
}

describe('SapEventReceiver: pushed events resolve to the current state', () => {
  it('resolves a BusinessPartner.Changed event to the current canonical Customer, with its version and the event time', async () => {
    const e = await start()
    await editPartner(e, { OrganizationBPName1: 'Zoë Ærøskøbing GmbH' })
    await e.settled()
    const [pushed] = e.sim.events().events
    expect(e.deliveries).toHaveLength(1)
    const [delivery] = e.deliveries
    expect(delivery?.status).toBe(200)
    expect(delivery?.acceptance).toMatchObject({
      dedupeKey: pushed?.event.id,
      duplicate: false,
      event: {
        type: SAP_BUSINESS_EVENT_TYPES.businessPartnerChanged,
        subject: {
          object: 'BusinessPartner',
          key: PARTNER,
          entityKey: `sap:BusinessPartner:${PARTNER}`,
        },
      },
    })
    const version = sapEntityVersion(storedEtag(e.sim, 'A_BusinessPartner', PARTNER))
    expect(version?.ordinal).toEqual(expect.any(Number))
    expect(delivery?.resolution).toEqual({
      kind: 'customer',
      eventId: pushed?.event.id,
      eventType: SAP_BUSINESS_EVENT_TYPES.businessPartnerChanged,
      eventTime: Date.parse(pushed?.event.time ?? ''),
      entityKey: `sap:BusinessPartner:${PARTNER}`,
      customer: {
        kind: 'customer',
        schemaVersion: 1,
        source: { system: 'sap', id: PARTNER, version: version?.timestamp },
        companyName: 'Zoë Ærøskøbing GmbH',
      },
      version,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
  })

  it('flags the same event delivered again (late 200, then an operator redelivery) as a duplicate by its id, and resolves it once', async () => {
    // The first answer comes after the broker's 1 s timeout: it sends the same event again.
    const e = await start({
      sim: { eventTimeoutMs: 1_000 },
      answerDelayMs: (n) => (n === 0 ? 1_500 : 0),
    })
    // Logged on before: the first delivery is handled well within the broker's timeout.
    await e.client.read(BUSINESS_PARTNER_SERVICE, entityPath('A_BusinessPartner', PARTNER))
    await editPartner(e, { OrganizationBPName1: 'Twice Delivered Inc' })
    await e.settled()
    const [delivery] = e.sim.eventDeliveries()
    expect(delivery?.attempts).toBe(2)
    await e.simPost(`/event-deliveries/${delivery?.deliveryId}/redeliver`)
    const ids = e.deliveries.map((d) => d.acceptance?.dedupeKey)
    expect(ids).toEqual([delivery?.eventId, delivery?.eventId, delivery?.eventId])
    expect(e.deliveries.map((d) => d.acceptance?.duplicate)).toEqual([false, true, true])
    expect(e.deliveries.map((d) => d.status)).toEqual([200, 200, 200])
    expect(resolutions(e)).toHaveLength(1)
    expect(resolutions(e)[0]).toMatchObject({
      kind: 'customer',
      customer: { companyName: 'Twice Delivered Inc' },
    })
  })

  it('resolves two changes released newest first both to the latest state and version, so the guard applies it once and nothing stale', async () => {
    const e = await start()
    await e.simPost('/events/hold')
    await editPartner(e, { OrganizationBPName1: 'First Name Ltd' })
    await editPartner(e, { OrganizationBPName1: 'Second Name Ltd' })
    expect(await e.simPost('/events/release', { order: 'reverse' })).toEqual({ released: 2 })
    await e.settled()
    // Released newest first; both go out at once, so the assertions hold whichever lands first.
    const feed = e.sim.events().events.map((f) => f.event.id)
    expect(e.deliveries.map((d) => d.acceptance?.event.id).sort()).toEqual([...feed].sort())
    const current = sapEntityVersion(storedEtag(e.sim, 'A_BusinessPartner', PARTNER))
    expect(resolutions(e)).toHaveLength(2)
    for (const r of resolutions(e)) {
      expect(r).toMatchObject({ kind: 'customer', customer: { companyName: 'Second Name Ltd' } })
      expect('version' in r ? r.version : undefined).toEqual(current)
    }
    // Whichever arrives second repeats the version applied: the guard skips it.
    expect(applied(resolutions(e))).toEqual([resolutions(e)[0]])
    // Resolved again, late, the older event still brings the current state, never its own.
    const [olderEvent] = e.sim.events().events
    const again = await e.receiver.resolve(
      e.receiver.accept({ body: JSON.stringify(olderEvent?.event) }).event,
    )
    expect(again).toMatchObject({ customer: { companyName: 'Second Name Ltd' }, version: current })
  })

  it('resolves a sales order Created released after its Changed to the current snapshot, both with one version', async () => {
    const e = await start()
    await e.simPost('/events/hold')
    const id = await createOrder(e, 'EV-REORDER-1')
    await e.simPost('/edit', {
      set: 'A_SalesOrder',
      key: id,
      changes: { CustomerPaymentTerms: '0001' },
    })
    expect(await e.simPost('/events/release', { order: 'reverse' })).toEqual({ released: 2 })
    await e.settled()
    expect(e.deliveries.map((d) => d.acceptance?.event.type).sort()).toEqual([
      SAP_BUSINESS_EVENT_TYPES.salesOrderChanged,
      SAP_BUSINESS_EVENT_TYPES.salesOrderCreated,
    ])
    expect(resolutions(e)).toHaveLength(2)
    const current = sapEntityVersion(storedEtag(e.sim, 'A_SalesOrder', id))
    for (const r of resolutions(e)) {
      expect(r).toMatchObject({
        kind: 'salesOrder',
        entityKey: `sap:SalesOrder:${id}`,
        salesOrder: {
          source: { system: 'sap', id, version: current?.timestamp },
          reference: 'EV-REORDER-1',
        },
        version: current,
      })
    }
    expect(applied(resolutions(e))).toHaveLength(1)
  })

  it('resolves every event of an order deleted since to deleted, not an error; a partner SAP does not have likewise', async () => {
    const e = await start()
    await e.simPost('/events/hold')
    const id = await createOrder(e, 'EV-GONE-1')
    const etag = storedEtag(e.sim, 'A_SalesOrder', id)
    const removed = await e.client.send({
      method: 'DELETE',
      service: SALES_ORDER_SERVICE,
      path: entityPath('A_SalesOrder', id),
      operation: 'update',
      headers: { 'if-match': etag },
    })
    expect(removed.status).toBe(204)
    await e.simPost('/events/release', { order: 'fifo' })
    await e.settled()
    expect(e.deliveries.map((d) => d.acceptance?.event.subject?.action)).toEqual([
      'Created',
      'Deleted',
    ])
    for (const r of resolutions(e)) {
      expect(r).toMatchObject({
        kind: 'deleted',
        object: 'SalesOrder',
        key: id,
        entityKey: `sap:SalesOrder:${id}`,
      })
    }
    const { event } = e.receiver.accept({
      body: JSON.stringify(cloudEvent({ BusinessPartner: '0099999999' })),
    })
    expect(await e.receiver.resolve(event)).toMatchObject({
      kind: 'deleted',
      object: 'BusinessPartner',
      key: '99999999',
    })
  })

  it('sees a re-published event as the version already applied, and a save that changed nothing by its unchanged fingerprint', async () => {
    const e = await start()
    // One step at a time: each event is resolved before the next change.
    await editPartner(e, { OrganizationBPName1: 'Steady Corp' })
    await e.settled()
    await e.simPost('/events/emit', {
      type: SAP_BUSINESS_EVENT_TYPES.businessPartnerChanged,
      key: PARTNER,
    })
    await e.settled()
    await editPartner(e, { OrganizationBPName1: 'Steady Corp' })
    await e.settled()
    const [changed, emitted, noOpSave] = resolutions(e)
    const versionOf = (r: SapEventResolution | undefined) =>
      r && 'version' in r ? r.version : undefined
    expect(versionOf(emitted)).toEqual(versionOf(changed))
    expect(applied([changed, emitted].flatMap((r) => (r ? [r] : [])))).toEqual([changed])
    expect(versionOf(noOpSave)?.ordinal).toBeGreaterThan(versionOf(changed)?.ordinal ?? Infinity)
    const fingerprints = [changed, emitted, noOpSave].map((r) =>
      r && 'fingerprint' in r ? r.fingerprint : r,
    )
    expect(new Set(fingerprints).size).toBe(1)
  })
})

describe('SapEventReceiver: malformed events are refused naming the field', () => {
  it('answers 400 over HTTP for a malformed push and resolves nothing', async () => {
    const e = await start()
    const response = await fetch(e.endpointUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent({ BusinessPartner: "17100001') or ('1" })),
    })
    expect(response.status).toBe(400)
    expect(e.deliveries[0]?.error).toMatchObject({
      type: 'validation',
      path: 'data.BusinessPartner',
    })
    expect(resolutions(e)).toHaveLength(0)
  })

  // Validation reads nothing: a receiver whose client would fail any request proves it.
  const receiverOnly = (dedupeWindow?: number) =>
    new SapEventReceiver(
      new SapClient(
        parseSapConnectionConfig({ baseUrl: 'http://127.0.0.1:9', username: 'U', password: 'P' }),
      ),
      dedupeWindow === undefined ? {} : { dedupeWindow },
    )
  it.each([
    ['id missing', { id: undefined }, 'id'],
    ['id empty', { id: ' ' }, 'id'],
    ['specversion 0.3', { specversion: '0.3' }, 'specversion'],
    ['type not a string', { type: 7 }, 'type'],
    ['source missing', { source: undefined }, 'source'],
    ['time not RFC 3339', { time: 'yesterday' }, 'time'],
    ['time missing', { time: undefined }, 'time'],
    ['datacontenttype XML', { datacontenttype: 'application/xml' }, 'datacontenttype'],
    ['data missing', { data: undefined }, 'data'],
    ['data an array', { data: ['17100001'] }, 'data'],
    ['key missing', { data: { Partner: '17100001' } }, 'data.BusinessPartner'],
    ['key too long', { data: { BusinessPartner: '12345678901' } }, 'data.BusinessPartner'],
    [
      'sales order key not a string',
      { type: SAP_BUSINESS_EVENT_TYPES.salesOrderChanged, data: { SalesOrder: 1 } },
      'data.SalesOrder',
    ],
  ])('%s → validation at %s', (_name, override, path) => {
    const receiver = receiverOnly()
    const body = JSON.stringify({ ...cloudEvent({ BusinessPartner: PARTNER }), ...override })
    expect(() => receiver.accept({ body })).toThrow(
      expect.objectContaining({ type: 'validation', code: 'INVALID_EVENT', path }),
    )
  })

  it('refuses a body that is not JSON, or not a structured CloudEvent by its content type', () => {
    const receiver = receiverOnly()
    expect(() => receiver.accept({ body: '{"id":' })).toThrow(
      expect.objectContaining({ type: 'validation' }),
    )
    const body = JSON.stringify(cloudEvent({ BusinessPartner: PARTNER }))
    expect(() => receiver.accept({ body, contentType: 'text/plain' })).toThrow(
      expect.objectContaining({ type: 'validation', path: 'content-type' }),
    )
  })

  it('forgets the oldest handled ids past its window, and only ids marked handled count', () => {
    const receiver = receiverOnly(2)
    const withId = (id: string) =>
      receiver.accept({ body: JSON.stringify({ ...cloudEvent({ BusinessPartner: PARTNER }), id }) })
    expect(withId('a').duplicate).toBe(false)
    expect(withId('a').duplicate).toBe(false)
    for (const id of ['a', 'b', 'c']) receiver.markHandled(id)
    expect(['a', 'b', 'c'].map((id) => withId(id).duplicate)).toEqual([false, true, true])
  })

  it('accepts a well-formed event of a type it does not read, resolving it to unsupported without a read', async () => {
    const e = await start()
    const before = e.sim.requests().length
    const { event } = e.receiver.accept({
      body: JSON.stringify({
        ...cloudEvent({ Product: 'TG11' }),
        type: 'sap.s4.beh.product.v1.Product.Changed.v1',
      }),
      contentType: 'application/cloudevents+json; charset=utf-8',
    })
    expect(event.subject).toBeUndefined()
    expect(await e.receiver.resolve(event)).toMatchObject({
      kind: 'unsupported',
      eventId: event.id,
    })
    expect(e.sim.requests().length).toBe(before)
  })
})

/** A structured CloudEvent as S/4HANA sends it. */
function cloudEvent(data: Record<string, unknown>): Record<string, unknown> {
  const object =
    Object.keys(data)[0] === 'SalesOrder'
      ? 'salesorder.v1.SalesOrder'
      : 'businesspartner.v1.BusinessPartner'
  return {
    specversion: '1.0',
    type: `sap.s4.beh.${object}.Changed.v1`,
    source: '/default/sap.s4.beh/S4H',
    id: '1d2c3b4a-0000-4000-8000-000000000001',
    time: '2026-01-10T12:00:00Z',
    datacontenttype: 'application/json',
    data,
  }
}
