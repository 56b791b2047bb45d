/** @module test/sandbox/salesforce-cdc.test — Change Data Capture over real HTTP: event headers and bodies, merging, replay and retention, gap and overflow events, and the CometD protocol spoken raw. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import {
  DATA,
  headerOf,
  pulledEvents,
  salesforceClient,
  simCall,
  V,
} from './salesforce-test-kit.ts'
import type { SalesforceClient } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator
let sf: SalesforceClient

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 21, cometdTimeoutMs: 300 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sf = await salesforceClient(sim)
})

const S = `${DATA}/sobjects`
const create = async (type: string, body: unknown, headers?: Record<string, string>) =>
  ((await (await sf.call('POST', `${S}/${type}`, body, headers)).json()) as { id: string }).id
const payloads = async (channel?: string) =>
  (await pulledEvents(sim, channel)).map((e) => e.payload)

describe('change events', () => {
  it('describes creates, updates, deletes and undeletes with their headers and bodies', async () => {
    const client = { 'Sforce-Call-Options': 'client=SynclineHub, defaultNamespace=x' }
    const id = await create('Account', { Name: 'Acme', BillingCity: 'Lyon', Phone: '1' }, client)
    sim.clock.advance(2000)
    await sf.call('PATCH', `${S}/Account/${id}`, { BillingCity: 'Paris', Phone: null })
    await sf.call('DELETE', `${S}/Account/${id}`)
    sim.records.undelete('Account', id)
    const [created, updated, deleted, undeleted] = await payloads()
    const header = headerOf(created ?? {})
    expect(header).toMatchObject({
      entityName: 'Account',
      recordIds: [id],
      changeType: 'CREATE',
      changeOrigin: `com/salesforce/api/rest/${V};client=SynclineHub`,
      sequenceNumber: 1,
      changedFields: [],
      nulledFields: [],
      commitUser: expect.stringMatching(/^005/),
    })
    expect(header.transactionKey).toMatch(/^[0-9a-f-]{36}$/)
    expect(created).toMatchObject({
      Name: 'Acme',
      Phone: '1',
      BillingAddress: { City: 'Lyon' },
      OwnerId: header.commitUser,
      CreatedDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    })
    expect(created).not.toHaveProperty('Industry')
    expect(headerOf(updated ?? {})).toMatchObject({
      changeType: 'UPDATE',
      changeOrigin: `com/salesforce/api/rest/${V}`,
      changedFields: ['BillingAddress.City', 'Phone', 'LastModifiedDate'],
      nulledFields: ['Phone'],
    })
    expect(Object.keys(updated ?? {}).sort()).toEqual([
      'BillingAddress',
      'ChangeEventHeader',
      'LastModifiedDate',
      'Phone',
    ])
    expect(updated).toMatchObject({ BillingAddress: { City: 'Paris' }, Phone: null })
    expect(headerOf(updated ?? {}).commitNumber).toBeGreaterThan(header.commitNumber)
    expect(headerOf(updated ?? {}).commitTimestamp).toBeGreaterThan(header.commitTimestamp)
    expect(Object.keys(deleted ?? {})).toEqual(['ChangeEventHeader'])
    expect(headerOf(deleted ?? {}).changeType).toBe('DELETE')
    expect(headerOf(undeleted ?? {})).toMatchObject({ changeType: 'UNDELETE', changeOrigin: '' })
    expect(undeleted).toMatchObject({ Name: 'Acme', BillingAddress: { City: 'Paris' } })
  })

  it('emits a no-op update (LastModifiedDate only) and a system-only change (SystemModstamp only)', async () => {
    const id = await create('Contact', { LastName: 'Doe', FirstName: 'Jane' })
    await sf.call('PATCH', `${S}/Contact/${id}`, { LastName: 'Doe' })
    expect(sim.records.touch('Contact', id)).toBe(true)
    const [, noop, touched] = await payloads()
    expect(headerOf(noop ?? {}).changedFields).toEqual(['LastModifiedDate'])
    expect(Object.keys(noop ?? {}).sort()).toEqual(['ChangeEventHeader', 'LastModifiedDate'])
    expect(headerOf(touched ?? {}).changedFields).toEqual(['SystemModstamp'])
    expect(Object.keys(touched ?? {})).toEqual(['ChangeEventHeader'])
  })

  it('numbers changes within a transaction and merges identical ones into one event', async () => {
    const [a, b] = sim.records.seed('Account', [{ Name: 'A' }, { Name: 'B' }], { events: false })
    const response = await sf.call('POST', `${DATA}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `${S}/Account/${a}`,
          referenceId: 'a',
          body: { Industry: 'Energy' },
        },
        {
          method: 'POST',
          url: `${S}/Contact`,
          referenceId: 'c',
          body: { LastName: 'Doe', AccountId: a },
        },
        {
          method: 'PATCH',
          url: `${S}/Account/${b}`,
          referenceId: 'b',
          body: { Industry: 'Energy' },
        },
      ],
    })
    expect(response.status).toBe(200)
    const accountEvents = (await payloads('/data/AccountChangeEvent')).map(headerOf)
    expect(accountEvents).toEqual([
      expect.objectContaining({ changeType: 'UPDATE', recordIds: [a, b], sequenceNumber: 1 }),
    ])
    const contactEvents = (await payloads('/data/ContactChangeEvent')).map(headerOf)
    expect(contactEvents).toEqual([
      expect.objectContaining({ changeType: 'CREATE', sequenceNumber: 2 }),
    ])
    expect(contactEvents[0]?.transactionKey).toBe(accountEvents[0]?.transactionKey)
  })

  it('replays from -1, -2 or a retained id, with opaque increasing replay ids', async () => {
    for (const name of ['One', 'Two', 'Three']) await create('Account', { Name: name })
    const all = await pulledEvents(sim, '/data/AccountChangeEvent', -2)
    expect(all).toHaveLength(3)
    const ids = all.map((e) => e.replayId)
    expect([...ids].sort((x, y) => x - y)).toEqual(ids)
    expect(new Set(all.map((e) => e.eventUuid)).size).toBe(3)
    expect(await pulledEvents(sim, '/data/AccountChangeEvent', -1)).toEqual([])
    const after = await pulledEvents(sim, '/data/AccountChangeEvent', ids[0] ?? 0)
    expect(after.map((e) => e.replayId)).toEqual(ids.slice(1))
    const bogus = await simCall(
      sim,
      'GET',
      `/cdc/events?channel=/data/AccountChangeEvent&replayId=${(ids[2] ?? 0) + 100}`,
    )
    expect(bogus.status).toBe(400)
  })

  it('forgets events after 72 hours on the org clock; replaying from an expired id is refused', async () => {
    await create('Account', { Name: 'Old' })
    const [old] = await pulledEvents(sim)
    sim.clock.advance(71 * 3_600_000)
    // The session timed out long ago on the org clock: log in again.
    sf = await salesforceClient(sim)
    await create('Account', { Name: 'Recent' })
    expect(await pulledEvents(sim)).toHaveLength(2)
    sim.clock.advance(2 * 3_600_000)
    const kept = await pulledEvents(sim)
    expect(kept.map((e) => e.payload.Name)).toEqual(['Recent'])
    const expired = await simCall(sim, 'GET', `/cdc/events?replayId=${old?.replayId}`)
    expect(expired.status).toBe(400)
    expect(await expired.json()).toEqual({
      error: `The replayId {${old?.replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    })
  })

  it('publishes injected gap and overflow events with headers only', async () => {
    const id = await create('Account', { Name: 'Gap' })
    const gap = await simCall(sim, 'POST', '/cdc/gap', {
      entity: 'Account',
      changeType: 'GAP_UPDATE',
      recordIds: [id],
    })
    expect(gap.status).toBe(201)
    expect((await simCall(sim, 'POST', '/cdc/overflow', { entity: 'Contact' })).status).toBe(201)
    const [, gapEvent, overflow] = await payloads()
    expect(gapEvent).toEqual({
      ChangeEventHeader: expect.objectContaining({
        changeType: 'GAP_UPDATE',
        recordIds: [id],
        changedFields: [],
      }),
    })
    expect(headerOf(overflow ?? {})).toMatchObject({
      entityName: 'Contact',
      changeType: 'GAP_OVERFLOW',
      recordIds: ['000000000000000AAA'],
    })
  })
})

type Message = Record<string, unknown>

describe('CometD (raw Bayeux long-polling)', () => {
  const bayeux = async (messages: Message[], token = sf.token): Promise<Message[]> => {
    const response = await fetch(`${sim.baseUrl}/cometd/${V}`, {
      method: 'POST',
      headers: { authorization: `OAuth ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(messages),
    })
    expect(response.status).toBe(200)
    return (await response.json()) as Message[]
  }
  const handshake = async (): Promise<string> => {
    const [reply] = await bayeux([
      {
        channel: '/meta/handshake',
        version: '1.0',
        supportedConnectionTypes: ['long-polling'],
        id: '1',
      },
    ])
    expect(reply).toMatchObject({
      channel: '/meta/handshake',
      successful: true,
      supportedConnectionTypes: ['long-polling'],
      ext: { replay: true, 'payload.format': true },
    })
    return String(reply?.clientId)
  }
  const subscribe = (clientId: string, channel: string, replay?: number) =>
    bayeux([
      {
        channel: '/meta/subscribe',
        clientId,
        subscription: channel,
        id: '2',
        ...(replay === undefined ? {} : { ext: { replay: { [channel]: replay } } }),
      },
    ])
  const connect = (clientId: string) =>
    bayeux([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '3' }])

  it('hands shake, replays retained events, then holds a connect until a new event', async () => {
    const first = await create('Account', { Name: 'Retained' })
    const clientId = await handshake()
    expect(await subscribe(clientId, '/data/AccountChangeEvent', -2)).toEqual([
      {
        channel: '/meta/subscribe',
        id: '2',
        clientId,
        subscription: '/data/AccountChangeEvent',
        successful: true,
      },
    ])
    const backlog = await connect(clientId)
    expect(backlog).toHaveLength(2)
    expect(backlog[0]).toMatchObject({
      channel: '/data/AccountChangeEvent',
      data: {
        schema: expect.any(String),
        payload: { ChangeEventHeader: { recordIds: [first], changeType: 'CREATE' } },
        event: { replayId: expect.any(Number), EventUuid: expect.any(String) },
      },
    })
    expect(backlog[1]).toMatchObject({
      channel: '/meta/connect',
      successful: true,
      advice: { reconnect: 'retry' },
    })
    const held = connect(clientId)
    await new Promise((resolve) => setTimeout(resolve, 50))
    await create('Account', { Name: 'Live' })
    const live = await held
    expect(live.map((m) => m.channel)).toEqual(['/data/AccountChangeEvent', '/meta/connect'])
    const quiet = await connect(clientId)
    expect(quiet).toEqual([expect.objectContaining({ channel: '/meta/connect', successful: true })])
  })

  it('resumes after a replay id and redelivers the same events (same EventUuid) on demand', async () => {
    for (const name of ['A', 'B', 'C']) await create('Account', { Name: name })
    const retained = await pulledEvents(sim)
    const clientId = await handshake()
    await subscribe(clientId, '/data/ChangeEvents', retained[0]?.replayId)
    const resumed = (await connect(clientId)).filter((m) => m.channel === '/data/ChangeEvents')
    const ids = resumed.map(
      (m) => (m.data as { event: { replayId: number; EventUuid: string } }).event,
    )
    expect(ids).toEqual(
      retained.slice(1).map((e) => ({ replayId: e.replayId, EventUuid: e.eventUuid })),
    )
    const redeliver = await simCall(sim, 'POST', '/cdc/redeliver', {
      fromReplayId: retained[1]?.replayId,
    })
    expect(await redeliver.json()).toEqual({ queued: 1 })
    const again = (await connect(clientId)).filter((m) => m.channel === '/data/ChangeEvents')
    expect(again.map((m) => (m.data as { event: { EventUuid: string } }).event.EventUuid)).toEqual([
      retained[2]?.eventUuid,
    ])
  })

  it('refuses an expired replay id, an unknown channel, a bad session and an unknown client', async () => {
    await create('Account', { Name: 'Soon expired' })
    const [event] = await pulledEvents(sim)
    sim.clock.advance(73 * 3_600_000)
    sf = await salesforceClient(sim)
    const clientId = await handshake()
    const [expired] = await subscribe(clientId, '/data/AccountChangeEvent', event?.replayId)
    expect(expired).toMatchObject({
      successful: false,
      error: `400::The replayId {${event?.replayId}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    })
    const [unknown] = await subscribe(clientId, '/data/LeadChangeEvent')
    expect(unknown).toMatchObject({
      successful: false,
      error: expect.stringContaining('does not exist'),
    })
    const [denied] = await bayeux(
      [{ channel: '/meta/handshake', version: '1.0', id: '9' }],
      'bad!token',
    )
    expect(denied).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '401::Authentication invalid' } },
      advice: { reconnect: 'none' },
    })
    expect(await simCall(sim, 'POST', '/cdc/disconnect').then((r) => r.json())).toEqual({
      dropped: 1,
    })
    const [gone] = await connect(clientId)
    expect(gone).toMatchObject({
      successful: false,
      error: '403::Unknown client',
      advice: { reconnect: 'handshake' },
    })
  })
})
