/** @module test/sandbox/salesforce-query.test — SOQL over real HTTP: filters, ordering, parent fields, COUNT(), paging with query locators and batch sizes, queryAll, and the positioned errors. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { DATA, salesforceClient, sfErrorOf } from './salesforce-test-kit.ts'
import type { SalesforceClient } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator
let sf: SalesforceClient

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 8 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sf = await salesforceClient(sim)
})

interface QueryBody {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: Record<string, unknown>[]
}

const soql = (q: string, headers?: Record<string, string>) =>
  sf.call('GET', `${DATA}/query?q=${encodeURIComponent(q)}`, undefined, headers)
const rows = async (q: string): Promise<Record<string, unknown>[]> => {
  const response = await soql(q)
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`)
  return ((await response.json()) as QueryBody).records
}

function seedCompanies(): string[] {
  return sim.records.seed('Account', [
    { Name: 'Acme', Industry: 'Energy', NumberOfEmployees: 50, External_Id__c: 'A' },
    { Name: 'Globex', Industry: 'Retail', NumberOfEmployees: 500, External_Id__c: 'G' },
    { Name: 'Initech', Industry: 'Technology', NumberOfEmployees: 5 },
    { Name: 'acme labs', NumberOfEmployees: 8 },
  ])
}

describe('SOQL', () => {
  it('filters with AND/OR/IN/LIKE, case-insensitively, and orders with nulls first by default', async () => {
    seedCompanies()
    expect(await rows("SELECT Name FROM Account WHERE Name = 'ACME'")).toEqual([
      {
        attributes: { type: 'Account', url: expect.stringMatching(/\/sobjects\/Account\/001/) },
        Name: 'Acme',
      },
    ])
    const names = async (q: string) => (await rows(q)).map((r) => r.Name)
    expect(await names("SELECT Name FROM Account WHERE Name LIKE 'acme%' ORDER BY Name")).toEqual([
      'Acme',
      'acme labs',
    ])
    expect(
      await names(
        "SELECT Name FROM Account WHERE Industry IN ('Energy', 'Retail') AND NumberOfEmployees > 100",
      ),
    ).toEqual(['Globex'])
    expect(
      await names(
        "SELECT Name FROM Account WHERE (Industry = 'Energy' OR Industry = null) AND NOT Name = 'Acme'",
      ),
    ).toEqual(['acme labs'])
    expect(await names('SELECT Name FROM Account ORDER BY Industry, Name DESC LIMIT 3')).toEqual([
      'acme labs',
      'Acme',
      'Globex',
    ])
    expect(
      await names('SELECT Name FROM Account ORDER BY NumberOfEmployees DESC LIMIT 2 OFFSET 1'),
    ).toEqual(['Acme', 'acme labs'])
    expect(
      await names('SELECT Name FROM Account WHERE External_Id__c != null ORDER BY Name'),
    ).toEqual(['Acme', 'Globex'])
  })

  it('reads parent fields through a relationship and counts with COUNT()', async () => {
    const [acme] = seedCompanies()
    sim.records.seed('Contact', [
      { LastName: 'Doe', FirstName: 'Jane', AccountId: acme },
      { LastName: 'Solo' },
    ])
    const contacts = await rows(
      'SELECT Name, Account.Name, Account.Industry FROM Contact ORDER BY LastName',
    )
    expect(contacts.map(({ attributes: _a, ...rest }) => rest)).toEqual([
      {
        Name: 'Jane Doe',
        Account: {
          attributes: { type: 'Account', url: `${DATA}/sobjects/Account/${acme}` },
          Name: 'Acme',
          Industry: 'Energy',
        },
      },
      { Name: 'Solo', Account: null },
    ])
    const byShortId = await rows(
      `SELECT Name FROM Contact WHERE AccountId = '${acme?.slice(0, 15)}'`,
    )
    expect(byShortId.map((r) => r.Name)).toEqual(['Jane Doe'])
    const count = await soql('SELECT COUNT() FROM Account WHERE NumberOfEmployees < 10')
    expect(await count.json()).toEqual({ totalSize: 2, done: true, records: [] })
  })

  it('compares datetimes such as SystemModstamp for incremental reads', async () => {
    seedCompanies()
    sim.clock.advance(60_000)
    const cut = new Date(sim.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
    sim.clock.advance(1000)
    sim.records.put('Account', { Name: 'Later' })
    const recent = await rows(
      `SELECT Name, SystemModstamp FROM Account WHERE SystemModstamp > ${cut} ORDER BY SystemModstamp`,
    )
    expect(recent.map((r) => r.Name)).toEqual(['Later'])
  })

  it('pages 2,100 rows: done:false with a query locator, then the rest', async () => {
    sim.records.seed(
      'Account',
      Array.from({ length: 2100 }, (_, i) => ({ Name: `Row ${i}` })),
      { events: false },
    )
    const first = (await (await soql('SELECT Id FROM Account')).json()) as QueryBody
    expect(first).toMatchObject({ totalSize: 2100, done: false })
    expect(first.records).toHaveLength(2000)
    expect(first.nextRecordsUrl).toMatch(new RegExp(`^${DATA}/query/01g[A-Za-z0-9]{15}-2000$`))
    const second = (await (await sf.call('GET', first.nextRecordsUrl ?? '')).json()) as QueryBody
    expect(second).toMatchObject({ totalSize: 2100, done: true })
    expect(second.nextRecordsUrl).toBeUndefined()
    expect(second.records).toHaveLength(100)
    const ids = new Set([...first.records, ...second.records].map((r) => r.Id))
    expect(ids.size).toBe(2100)
  })

  it('keeps batch sizes within 200..2000 and expires a locator after 15 idle minutes', async () => {
    sim.records.seed(
      'Account',
      Array.from({ length: 500 }, (_, i) => ({ Name: `Row ${i}` })),
      { events: false },
    )
    const small = (await (
      await soql('SELECT Id FROM Account', { 'Sforce-Query-Options': 'batchSize=50' })
    ).json()) as QueryBody
    expect(small.records).toHaveLength(200)
    expect(small.nextRecordsUrl).toMatch(/-200$/)
    sim.clock.advance(14 * 60 * 1000)
    const page2 = await sf.call('GET', small.nextRecordsUrl ?? '')
    expect(((await page2.json()) as QueryBody).records).toHaveLength(200)
    sim.clock.advance(16 * 60 * 1000)
    const expired = await sf.call('GET', (small.nextRecordsUrl ?? '').replace(/-200$/, '-400'))
    expect(expired.status).toBe(400)
    expect(await sfErrorOf(expired)).toEqual({
      errorCode: 'INVALID_QUERY_LOCATOR',
      message: 'invalid query locator',
    })
  })

  it('includes deleted rows only in queryAll', async () => {
    const [acme] = seedCompanies()
    expect((await sf.call('DELETE', `${DATA}/sobjects/Account/${acme}`)).status).toBe(204)
    const q = encodeURIComponent("SELECT Name, IsDeleted FROM Account WHERE Name = 'Acme'")
    expect(
      ((await (await sf.call('GET', `${DATA}/query?q=${q}`)).json()) as QueryBody).totalSize,
    ).toBe(0)
    const all = (await (await sf.call('GET', `${DATA}/queryAll?q=${q}`)).json()) as QueryBody
    expect(all.records).toEqual([expect.objectContaining({ Name: 'Acme', IsDeleted: true })])
  })
})

describe('SOQL errors', () => {
  it('answers a syntax error with MALFORMED_QUERY and the caret under the column', async () => {
    const response = await soql('SELECT Id FRM Account')
    expect(response.status).toBe(400)
    expect(await sfErrorOf(response)).toEqual({
      errorCode: 'MALFORMED_QUERY',
      message:
        "\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'",
    })
    const missing = await sf.call('GET', `${DATA}/query`)
    expect(await sfErrorOf(missing)).toEqual({
      errorCode: 'MALFORMED_QUERY',
      message: 'A query string has to be specified',
    })
  })

  it.each([
    ['SELECT Nme FROM Account', 'INVALID_FIELD', "No such column 'Nme' on entity 'Account'"],
    ['SELECT Id FROM Widget', 'INVALID_TYPE', "sObject type 'Widget' is not supported"],
    [
      "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
      'INVALID_FIELD',
      'must be of type double and should not be enclosed in quotes',
    ],
    ['SELECT Id FROM Account WHERE CreatedDate > 5', 'INVALID_FIELD', 'must be of type dateTime'],
    [
      'SELECT Id, Owner.Name FROM Contact',
      'INVALID_FIELD',
      "Didn't understand relationship 'Owner'",
    ],
    ['SELECT Id FROM Account WHERE Name =', 'MALFORMED_QUERY', 'unexpected token: <EOF>'],
  ])('refuses %s with %s', async (q, code, text) => {
    const response = await soql(q)
    expect(response.status).toBe(400)
    const error = await sfErrorOf(response)
    expect(error.errorCode).toBe(code)
    expect(error.message).toContain(text)
    expect(error.message).toMatch(/ERROR at Row:1:Column:\d+/)
  })
})
