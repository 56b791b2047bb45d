/** @module test/connectors/salesforce-client.test — SalesforceClient against the Salesforce simulator over real HTTP: upsert, read by key, SOQL paging, Composite, If-Unmodified-Since, API usage. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import { SalesforceMultipleMatchesError } from '../../src/connectors/salesforce/salesforce-error-classifier.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { rejection } from './conformance/conformance-subject.ts'
import { KEY_FIELD, salesforceConfigFor } from './conformance/salesforce-subject.ts'

const sim = createSalesforceSimulator({ seed: 21 })
let client: SalesforceClient

beforeAll(async () => {
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
  client = new SalesforceClient(salesforceConfigFor(sim))
})

const stored = (key: string) => sim.records.byExternalId('Account', KEY_FIELD, key)
const sub = (referenceId: string, key: string, body: object) => ({
  method: 'PATCH' as const,
  url: `sobjects/Account/${KEY_FIELD}/${key}`,
  referenceId,
  body,
})

describe('upsert and read by external id', () => {
  it('201 creates, 200 updates the same row, and the read by key finds it', async () => {
    const created = await client.upsertAccount('C-1001', { Name: 'Zoë Ærøskøbing', Phone: '+45 1' })
    expect(created.created).toBe(true)
    const updated = await client.upsertAccount('C-1001', { Name: 'Zoë Ærøskøbing ApS' })
    expect(updated).toEqual({ id: created.id, created: false })
    expect(stored('C-1001')).toHaveLength(1)
    expect(stored('C-1001')[0]?.Name).toBe('Zoë Ærøskøbing ApS')
    const read = await client.getAccount('C-1001', { fields: ['Name', 'Phone'] })
    expect(read).toMatchObject({
      id: created.id,
      record: { Name: 'Zoë Ærøskøbing ApS', Phone: '+45 1' },
    })
    expect(
      sim
        .requests()
        .filter((r) => r.method === 'PATCH')
        .map((r) => r.status),
    ).toEqual([201, 200])
  })

  it('keys with reserved URL characters are percent-encoded and round-trip', async () => {
    const key = 'EU/DK 42?x=1#frag'
    const { id } = await client.upsertAccount(key, { Name: 'Slashy' })
    expect(stored(key).map((r) => r.Id)).toEqual([id])
    expect((await client.getAccount(key))?.id).toBe(id)
  })

  it('an absent key reads as null; a field that is not an external id is a validation error, not "absent"', async () => {
    expect(await client.getAccount('C-nobody')).toBeNull()
    const error = await rejection(client.getByExternalId('Account', 'Phone', '123'))
    expect(error).toMatchObject({ type: 'validation', status: 404, code: 'NOT_FOUND' })
  })

  it('300 when two rows share the key: MULTIPLE_CHOICES with both ids, and nothing written', async () => {
    const twins = ['A', 'B'].map((n) =>
      String(sim.records.put('Account', { Name: n, [KEY_FIELD]: 'TWIN' }).Id),
    )
    const error = await rejection(client.upsertAccount('TWIN', { Name: 'Which one?' }))
    expect(error).toBeInstanceOf(SalesforceMultipleMatchesError)
    expect(error).toMatchObject({ type: 'validation', status: 300, code: 'MULTIPLE_CHOICES' })
    expect([...(error as SalesforceMultipleMatchesError).matchingIds].sort()).toEqual(twins.sort())
    for (const id of twins) expect(error.message).toContain(id)
    expect(
      stored('TWIN')
        .map((r) => r.Name)
        .sort(),
    ).toEqual(['A', 'B'])
    expect(await rejection(client.getAccount('TWIN'))).toMatchObject({ code: 'MULTIPLE_CHOICES' })
  })

  it('sends Sforce-Call-Options so the change event names the hub as its origin', async () => {
    await client.upsertAccount('C-echo', { Name: 'Echo' })
    const read = sim.cdc.events('/data/AccountChangeEvent', -2)
    if (!read.ok) throw new Error(read.message)
    const header = read.events[0]?.payload.ChangeEventHeader as { changeOrigin: string }
    expect(header.changeOrigin).toBe(`com/salesforce/api/rest/${sim.apiVersion};client=SynclineHub`)
  })
})

describe('If-Unmodified-Since', () => {
  it('applies when the row is unchanged since, and 412 → conflict after another edit', async () => {
    const { id } = await client.upsertAccount('C-412', { Name: 'Before' })
    const readAt = String(sim.records.get('Account', id)?.LastModifiedDate)
    await client.updateRecord('Account', id, { Name: 'Hub edit' }, { ifUnmodifiedSince: readAt })
    expect(sim.records.get('Account', id)?.Name).toBe('Hub edit')
    const hubAt = String(sim.records.get('Account', id)?.LastModifiedDate)
    sim.clock.advance(1_500)
    sim.records.put('Account', { Id: id, Name: 'User edit' })
    const error = await rejection(
      client.updateRecord('Account', id, { Name: 'Stale hub edit' }, { ifUnmodifiedSince: hubAt }),
    )
    expect(error).toMatchObject({ type: 'conflict', status: 412, code: 'PRECONDITION_FAILED' })
    expect(sim.records.get('Account', id)?.Name).toBe('User edit')
  })
})

describe('SOQL', () => {
  it('follows nextRecordsUrl across pages of 2,000 until done, every row once', async () => {
    sim.records.seed(
      'Account',
      Array.from({ length: 4_500 }, (_, i) => ({ Name: `Row ${String(i).padStart(4, '0')}` })),
      { events: false },
    )
    const pages = []
    for await (const page of client.query('SELECT Id, Name FROM Account ORDER BY Name')) {
      pages.push(page)
    }
    expect(pages.map((p) => [p.records.length, p.done])).toEqual([
      [2000, false],
      [2000, false],
      [500, true],
    ])
    expect(pages.every((p) => p.totalSize === 4_500)).toBe(true)
    const names = pages.flatMap((p) => p.records.map((r) => r.Name))
    expect(new Set(names).size).toBe(4_500)
    expect(names[0]).toBe('Row 0000')
    expect(names.at(-1)).toBe('Row 4499')
    const rows = await client.queryAll("SELECT Id FROM Account WHERE Name LIKE 'Row 1%'", {
      batchSize: 300,
    })
    expect(rows).toHaveLength(1_000)
    expect(sim.requests().filter((r) => r.path.includes('/query/')).length).toBeGreaterThanOrEqual(
      2 + 3,
    )
  })

  it('a malformed query is validation; an expired locator is retryable', async () => {
    const bad = await rejection(client.queryAll('SELECT Id FRM Account'))
    expect(bad).toMatchObject({ type: 'validation', code: 'MALFORMED_QUERY' })
    sim.records.seed(
      'Account',
      Array.from({ length: 2_100 }, (_, i) => ({ Name: `L${i}` })),
      { events: false },
    )
    const pages = client.query('SELECT Id FROM Account')[Symbol.asyncIterator]()
    expect((await pages.next()).value?.records).toHaveLength(2000)
    sim.clock.advance(16 * 60_000) // the locator idles out (and so, at 2 h, would the session: not yet)
    const expired = await rejection(pages.next())
    expect(expired).toMatchObject({ type: 'retryable', code: 'INVALID_QUERY_LOCATOR' })
  })
})

describe('Composite', () => {
  it('HTTP 200 with a failed subrequest: per-item outcomes, the others committed (allOrNone false)', async () => {
    const outcomes = await client.composite([
      sub('ok1', 'CMP-1', { Name: 'One' }),
      sub('bad', 'CMP-2', { Name: 'Two', Customer_Tier__c: 'Platinum' }),
      sub('ok2', 'CMP-3', { Name: 'Three' }),
    ])
    expect(outcomes.map((o) => [o.referenceId, o.ok, o.status])).toEqual([
      ['ok1', true, 201],
      ['bad', false, 400],
      ['ok2', true, 201],
    ])
    const bad = outcomes[1]
    expect(bad?.ok === false && bad.error).toMatchObject({
      type: 'validation',
      code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      path: 'Customer_Tier__c',
    })
    const first = outcomes[0]
    expect(first?.ok === true && first.id).toBe(stored('CMP-1')[0]?.Id)
    expect([stored('CMP-1'), stored('CMP-2'), stored('CMP-3')].map((r) => r.length)).toEqual([
      1, 0, 1,
    ])
    // One API call for the whole composite.
    expect(sim.requests().filter((r) => r.path.endsWith('/composite'))).toHaveLength(1)
  })

  it('allOrNone: the failure keeps its error, the rest are PROCESSING_HALTED (retryable), nothing is written', async () => {
    const outcomes = await client.composite(
      [
        sub('a', 'AON-1', { Name: 'A' }),
        sub('b', 'AON-2', { Phone: 'no name' }),
        sub('c', 'AON-3', { Name: 'C' }),
      ],
      { allOrNone: true },
    )
    expect(outcomes.map((o) => (o.ok ? 'ok' : `${o.error.type}:${o.error.code}`))).toEqual([
      'retryable:PROCESSING_HALTED',
      'validation:REQUIRED_FIELD_MISSING',
      'retryable:PROCESSING_HALTED',
    ])
    expect(sim.records.list('Account')).toEqual([])
  })

  it('refuses more than 25 subrequests before sending anything', async () => {
    const many = Array.from({ length: 26 }, (_, i) => sub(`r${i}`, `K-${i}`, { Name: `N${i}` }))
    const error = await rejection(client.composite(many))
    expect(error).toMatchObject({ type: 'validation', code: 'COMPOSITE_LIMIT' })
    expect(sim.requests()).toEqual([])
  })
})

describe('the daily API allocation', () => {
  it('exposes Sforce-Limit-Info from every response', async () => {
    await client.getLimits()
    await client.upsertAccount('U-1', { Name: 'U' })
    expect(client.apiUsage?.usage).toEqual({ used: 2, max: 100_000 })
    expect(client.apiUsage?.pausedUntil).toBe(0)
  })

  it('403 REQUEST_LIMIT_EXCEEDED past the allocation is throttled until the window frees, nothing written', async () => {
    sim.limits.configure(50, 50)
    const error = await rejection(client.upsertAccount('L-1', { Name: 'Late' }))
    expect(error).toMatchObject({ type: 'throttled', status: 403, code: 'REQUEST_LIMIT_EXCEEDED' })
    // 1 call must age out of a window holding 50: ~24 h / 50 = 28.8 min.
    expect(error.retryAfterMs).toBe(1_728_000)
    expect(stored('L-1')).toEqual([])
  })

  it('at 90% of the allocation the client stops before sending, then probes again once the wait is over', async () => {
    const clock = manualClock(Date.now())
    const careful = new SalesforceClient(salesforceConfigFor(sim), { clock })
    sim.limits.configure(1_000, 899)
    await careful.getLimits() // answered api-usage=900/1000
    const sent = sim.requests().length
    const held = await rejection(careful.upsertAccount('N-1', { Name: 'Held' }))
    expect(held).toMatchObject({ type: 'throttled', code: 'API_USAGE_CEILING' })
    // 900 − 900 + 1 call must age out: 24 h / 900 = 96 s, below the 5 min floor.
    expect(held.retryAfterMs).toBe(300_000)
    expect(sim.requests().length).toBe(sent)
    clock.advance(300_000)
    sim.limits.configure(1_000, 500) // meanwhile the window rolled
    expect((await careful.upsertAccount('N-1', { Name: 'Sent' })).created).toBe(true)
    expect(careful.apiUsage?.pausedUntil).toBe(0)
  })
})
