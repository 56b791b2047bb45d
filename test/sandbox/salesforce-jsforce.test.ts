/** @module test/sandbox/salesforce-jsforce.test — the real jsforce client against the Salesforce simulator: SOAP and OAuth logins, upsert, paged SOQL, composite, session refresh and CometD change events. */

import { Connection, OAuth2 } from 'jsforce'
import { StreamingExtension } from 'jsforce/api/streaming'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { eventually } from './sandbox-test-kit.ts'
import { DATA, headerOf, pulledEvents, V } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 11, cometdTimeoutMs: 1000 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

/** jsforce's default login: the partner SOAP API's login() with password + security token. */
async function soapConnection(callOptions?: Record<string, string>): Promise<Connection> {
  const conn = new Connection({
    loginUrl: sim.baseUrl,
    version: V,
    ...(callOptions ? { callOptions } : {}),
  })
  await conn.login(sim.username, sim.password + sim.securityToken)
  return conn
}

const paths = (method: string) =>
  sim
    .requests()
    .filter((r) => r.method === method)
    .map((r) => `${r.status} ${r.path}`)

describe('jsforce logins', () => {
  it('logs in through the SOAP endpoint when no OAuth client is configured', async () => {
    const conn = new Connection({ loginUrl: sim.baseUrl, version: V })
    const info = await conn.login(sim.username, sim.password + sim.securityToken)
    expect(info.organizationId).toBe(sim.orgId)
    expect(info.id).toMatch(/^005[A-Za-z0-9]{15}$/)
    expect(conn.instanceUrl).toBe(sim.baseUrl)
    expect(conn.accessToken?.startsWith(`${sim.orgId.slice(0, 15)}!`)).toBe(true)
    expect(paths('POST')).toEqual([`200 /services/Soap/u/${V}`])
    // The session works on the REST API.
    const empty = await conn.query<{ Id: string }>('SELECT Id FROM Account')
    expect(empty).toMatchObject({ totalSize: 0, done: true, records: [] })
    const me = await conn.identity()
    expect(me).toMatchObject({
      organization_id: sim.orgId,
      user_id: info.id,
      username: sim.username,
      id: info.url,
    })
  })

  it('refuses a wrong password with the SOAP fault jsforce surfaces', async () => {
    const conn = new Connection({ loginUrl: sim.baseUrl, version: V })
    // Salesforce wants the security token appended: the bare password is refused.
    await expect(conn.login(sim.username, sim.password)).rejects.toThrow(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    )
  })

  it('uses the OAuth password flow when the connection has a client id and secret', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: sim.baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret },
      version: V,
    })
    const info = await conn.login(sim.username, sim.password + sim.securityToken)
    expect(info.organizationId).toBe(sim.orgId)
    expect(conn.instanceUrl).toBe(sim.baseUrl)
    expect(paths('POST')).toEqual(['200 /services/oauth2/token'])
  })

  it('authorizes with the client credentials flow', async () => {
    const oauth2 = new OAuth2({
      loginUrl: sim.baseUrl,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
    })
    const conn = new Connection({ oauth2, version: V })
    const info = await conn.authorize({ grant_type: 'client_credentials' })
    expect(info.organizationId).toBe(sim.orgId)
    const created = await conn.sobject('Account').create({ Name: 'Via client credentials' })
    expect(created).toMatchObject({ success: true, errors: [] })
  })

  it('logs in again by itself when the session expires, and the call succeeds', async () => {
    const conn = await soapConnection()
    const first = conn.accessToken
    expect(sim.expireTokens()).toBeGreaterThanOrEqual(1)
    const result = await conn.query('SELECT Id FROM Account')
    expect(result.totalSize).toBe(0)
    expect(conn.accessToken).not.toBe(first)
    const statuses = sim.requests().map((r) => `${r.method} ${r.status} ${r.path}`)
    expect(statuses.slice(-3)).toEqual([
      `GET 401 ${DATA}/query`,
      `POST 200 /services/Soap/u/${V}`,
      `GET 200 ${DATA}/query`,
    ])
  })
})

describe('jsforce data calls', () => {
  it('upserts by external id: created, then updated, one row and one create in the ledger', async () => {
    const conn = await soapConnection()
    const accounts = conn.sobject('Account')
    const first = await accounts.upsert(
      { Name: 'Acme', External_Id__c: 'ACME-1' },
      'External_Id__c',
    )
    expect(first).toMatchObject({ success: true, created: true, errors: [] })
    const second = await accounts.upsert(
      { Name: 'Acme Corp', Industry: 'Energy', External_Id__c: 'ACME-1' },
      'External_Id__c',
    )
    expect(second).toMatchObject({ success: true, created: false, id: first.id })
    const stored = sim.records.byExternalId('Account', 'External_Id__c', 'ACME-1')
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ Id: first.id, Name: 'Acme Corp', Industry: 'Energy' })
    const effect = sim.ledger().effects.find((e) => e.businessKey === 'ACME-1')
    expect(effect).toMatchObject({ recordType: 'Account', creates: 1, updates: 1, writes: 2 })
  })

  it('upserts a list through sObject Collections, with per-record results', async () => {
    const conn = await soapConnection()
    const results = await conn.sobject('Contact').upsert(
      [
        { LastName: 'Doe', External_Id__c: 'C-1' },
        { LastName: 'Roe', External_Id__c: 'C-2' },
        { FirstName: 'No last name', External_Id__c: 'C-3' },
      ],
      'External_Id__c',
    )
    expect(results.map((r) => r.success)).toEqual([true, true, false])
    expect(results[2]).toMatchObject({
      errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })],
    })
    expect(sim.records.list('Contact').map((c) => c.LastName)).toEqual(['Doe', 'Roe'])
    expect(paths('PATCH')).toEqual([`200 ${DATA}/composite/sobjects/Contact/External_Id__c`])
  })

  it('serves list DML (sObject Collections) and find() built by jsforce', async () => {
    const conn = await soapConnection()
    const accounts = conn.sobject('Account')
    const created = await accounts.create([{ Name: 'Acme' }, { Name: 'Beta', Industry: 'Energy' }])
    expect(created.map((r) => r.success)).toEqual([true, true])
    const ids = created.map((r) => r.id ?? '')
    const updated = await accounts.update(ids.map((Id, i) => ({ Id, Phone: `555-${i}` })))
    expect(updated.map((r) => r.success)).toEqual([true, true])
    const read = await accounts.retrieve(ids)
    expect(read.map((r) => r?.Phone)).toEqual(['555-0', '555-1'])
    const found = await accounts
      .find({ Industry: { $in: ['Energy', 'Retail'] } }, ['Id', 'Name'])
      .sort({ Name: -1 })
      .limit(5)
    expect(found).toEqual([expect.objectContaining({ Id: ids[1], Name: 'Beta' })])
    expect(await accounts.findOne({ Name: { $like: 'Ac%' } }, 'Id, Name')).toMatchObject({
      Id: ids[0],
    })
    expect(await accounts.count()).toBe(2)
    const destroyed = await accounts.destroy([ids[0] ?? ''])
    expect(destroyed).toEqual([{ id: ids[0], success: true, errors: [] }])
    expect(sim.records.list('Account').map((r) => r.Name)).toEqual(['Beta'])
    expect(conn.limitInfo.apiUsage?.used).toBeGreaterThan(0)
  })

  it('pages a query of 2,500 rows with autoFetch through nextRecordsUrl', async () => {
    sim.records.seed(
      'Account',
      Array.from({ length: 2500 }, (_, i) => ({
        Name: `Bulk ${String(i).padStart(4, '0')}`,
        External_Id__c: `BULK-${i}`,
      })),
      { events: false },
    )
    const conn = await soapConnection()
    const result = await conn.query<{ Name: string }>(
      'SELECT Id, Name FROM Account ORDER BY Name DESC',
      { autoFetch: true, maxFetch: 10_000 },
    )
    expect(result.totalSize).toBe(2500)
    expect(result.records).toHaveLength(2500)
    expect(result.records[0]?.Name).toBe('Bulk 2499')
    expect(result.records[2499]?.Name).toBe('Bulk 0000')
    expect(new Set(result.records.map((r) => r.Name)).size).toBe(2500)
    const gets = sim.requests().filter((r) => r.method === 'GET')
    expect(gets.map((r) => r.path)).toEqual([
      `${DATA}/query`,
      expect.stringMatching(new RegExp(`^${DATA}/query/01g[A-Za-z0-9]{15}-2000$`)),
    ])
  })

  it('honours a smaller batch size asked with Sforce-Query-Options', async () => {
    sim.records.seed(
      'Contact',
      Array.from({ length: 450 }, (_, i) => ({ LastName: `Row ${i}` })),
      { events: false },
    )
    const conn = await soapConnection()
    const result = await conn.query('SELECT Id, LastName FROM Contact', {
      autoFetch: true,
      maxFetch: 10_000,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    })
    expect(result.records).toHaveLength(450)
    const gets = sim.requests().filter((r) => r.method === 'GET')
    expect(gets.map((r) => r.path.replace(/01g[A-Za-z0-9]{15}/, '<locator>'))).toEqual([
      `${DATA}/query`,
      `${DATA}/query/<locator>-200`,
      `${DATA}/query/<locator>-400`,
    ])
  })

  it('runs a composite request with references, one transaction, read back', async () => {
    const conn = await soapConnection()
    const response = await conn.requestPost<{
      compositeResponse: { httpStatusCode: number; referenceId: string; body: { id: string } }[]
    }>(`${DATA}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: `${DATA}/sobjects/Account`,
          referenceId: 'acct',
          body: { Name: 'Composite Co', External_Id__c: 'COMP-1' },
        },
        {
          method: 'POST',
          url: `${DATA}/sobjects/Contact`,
          referenceId: 'ct',
          body: { LastName: 'Doe', AccountId: '@{acct.id}' },
        },
        {
          method: 'GET',
          url: `${DATA}/sobjects/Account/@{acct.id}?fields=Name`,
          referenceId: 'read',
        },
      ],
    })
    expect(response.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 201, 200])
    const accountId = response.compositeResponse[0]?.body.id ?? ''
    const contact = sim.records.get('Contact', response.compositeResponse[1]?.body.id ?? '')
    expect(contact).toMatchObject({ LastName: 'Doe', AccountId: accountId })
    // One transaction: both change events carry the same transactionKey.
    const keys = (await pulledEvents(sim)).map((e) => headerOf(e.payload).transactionKey)
    expect(keys).toHaveLength(2)
    expect(new Set(keys).size).toBe(1)
  })
})

describe('jsforce streaming (CometD)', () => {
  interface Delivered {
    payload: Record<string, unknown>
    event: { replayId: number; EventUuid: string }
  }
  const channel = '/data/AccountChangeEvent'

  /** jsforce's faye client with the Replay extension; faye's typings omit disconnect(). */
  function subscribeFrom(conn: Connection, replayId: number, received: Delivered[]) {
    const faye = conn.streaming.createClient([new StreamingExtension.Replay(channel, replayId)])
    const subscription = faye.subscribe(channel, (message: Delivered) => {
      received.push(message)
    })
    return {
      subscription,
      close: () => {
        subscription.cancel()
        ;(faye as unknown as { disconnect(): void }).disconnect()
      },
    }
  }

  it('replays retained change events and receives new ones, with the client id as changeOrigin', async () => {
    const conn = await soapConnection({ client: 'SynclineHub' })
    const { id } = await conn.sobject('Account').create({ Name: 'Before subscribe' })
    const received: Delivered[] = []
    const stream = subscribeFrom(conn, -2, received)
    try {
      await eventually(() => received.length === 1, 10_000)
      await conn.sobject('Account').update({ Id: id ?? '', Industry: 'Retail' })
      await eventually(() => received.length === 2, 10_000)
    } finally {
      stream.close()
    }
    const [created, updated] = received.map((m) => headerOf(m.payload))
    expect(created).toMatchObject({
      entityName: 'Account',
      recordIds: [id],
      changeType: 'CREATE',
      changeOrigin: `com/salesforce/api/rest/${V};client=SynclineHub`,
    })
    expect(updated).toMatchObject({
      changeType: 'UPDATE',
      changedFields: ['Industry', 'LastModifiedDate'],
    })
    expect(received[1]?.payload).toMatchObject({ Industry: 'Retail' })
    expect(received[1]?.event.replayId).toBeGreaterThan(received[0]?.event.replayId ?? 0)
  })

  it('resubscribes from its last replay id after the server forgets it, and sees redeliveries', async () => {
    const conn = await soapConnection()
    const received: Delivered[] = []
    const stream = subscribeFrom(conn, -1, received)
    try {
      await stream.subscription
      await conn.sobject('Account').create({ Name: 'First' })
      await eventually(() => received.length === 1, 10_000)
      const before = sim.cdc.clients().map((c) => c.clientId)
      expect(sim.cdc.dropClients()).toBe(1)
      // faye is told "403::Unknown client", handshakes again and resubscribes with the
      // Replay extension's last replay id, so nothing is lost and nothing is repeated.
      await conn.sobject('Account').create({ Name: 'Second' })
      await eventually(() => received.length === 2, 10_000)
      expect(sim.cdc.clients().map((c) => c.clientId)).not.toEqual(before)
      // A redelivery (at-least-once) carries the same EventUuid: the subscriber dedupes on it.
      expect(sim.cdc.redeliver((received[0]?.event.replayId ?? 0) - 1)).toBe(2)
      await eventually(() => received.length === 4, 10_000)
    } finally {
      stream.close()
    }
    expect(received.map((m) => m.payload.Name)).toEqual(['First', 'Second', 'First', 'Second'])
    expect(received[2]?.event).toEqual(received[0]?.event)
    expect(new Set(received.map((m) => m.event.EventUuid)).size).toBe(2)
  })
})
