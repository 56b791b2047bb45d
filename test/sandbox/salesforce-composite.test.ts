/** @module test/sandbox/salesforce-composite.test — POST /composite over real HTTP: references, HTTP 200 with per-subrequest outcomes, allOrNone rollback, partial success, request checks and API usage. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { DATA, headerOf, pulledEvents, salesforceClient, sfErrorOf } from './salesforce-test-kit.ts'
import type { SalesforceClient } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator
let sf: SalesforceClient

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 13 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sf = await salesforceClient(sim)
})

interface SubResult {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

const composite = async (body: unknown, headers?: Record<string, string>) => {
  const response = await sf.call('POST', `${DATA}/composite`, body, headers)
  return {
    response,
    results:
      ((await response.clone().json()) as { compositeResponse?: SubResult[] }).compositeResponse ??
      [],
  }
}
const account = (referenceId: string, body: Record<string, unknown>) => ({
  method: 'POST',
  url: `${DATA}/sobjects/Account`,
  referenceId,
  body,
})
const HALTED = [
  {
    errorCode: 'PROCESSING_HALTED',
    message:
      'The transaction was rolled back since another operation in the same transaction failed.',
  },
]

describe('composite', () => {
  it('runs dependent subrequests with references and answers each with its own status', async () => {
    const { response, results } = await composite({
      allOrNone: true,
      compositeRequest: [
        account('acct', { Name: 'Acme', External_Id__c: 'CMP-1' }),
        {
          method: 'POST',
          url: `${DATA}/sobjects/Contact`,
          referenceId: 'ct',
          body: { LastName: 'Doe', AccountId: '@{acct.id}', Description: 'works at @{acct.id}' },
        },
        { method: 'GET', url: `${DATA}/query?q=SELECT+Id,Name+FROM+Account`, referenceId: 'q' },
        {
          method: 'PATCH',
          url: `${DATA}/sobjects/Account/@{q.records[0].Id}`,
          referenceId: 'upd',
          body: { Phone: '555' },
        },
      ],
    })
    expect(response.status).toBe(200)
    expect(results.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([
      ['acct', 201],
      ['ct', 201],
      ['q', 200],
      ['upd', 204],
    ])
    const accountId = (results[0]?.body as { id: string }).id
    expect(results[0]).toEqual({
      body: { id: accountId, success: true, errors: [] },
      httpHeaders: { Location: `${DATA}/sobjects/Account/${accountId}` },
      httpStatusCode: 201,
      referenceId: 'acct',
    })
    expect(results[3]).toMatchObject({ body: null, httpHeaders: {} })
    const contact = sim.records.get('Contact', (results[1]?.body as { id: string }).id)
    expect(contact).toMatchObject({ AccountId: accountId, Description: `works at ${accountId}` })
    expect(sim.records.get('Account', accountId)).toMatchObject({ Phone: '555' })
  })

  it('allOrNone: a failed subrequest rolls everything back; the others say PROCESSING_HALTED', async () => {
    const { response, results } = await composite({
      allOrNone: true,
      compositeRequest: [
        account('ok', { Name: 'Created then rolled back', External_Id__c: 'RB-1' }),
        {
          method: 'POST',
          url: `${DATA}/sobjects/Contact`,
          referenceId: 'bad',
          body: { FirstName: 'No last name' },
        },
        account('after', { Name: 'Never run' }),
      ],
    })
    expect(response.status).toBe(200)
    expect(results.map((r) => r.httpStatusCode)).toEqual([400, 400, 400])
    expect(results[0]?.body).toEqual(HALTED)
    expect(results[2]?.body).toEqual(HALTED)
    expect(results[1]?.body).toEqual([
      {
        message: 'Required fields are missing: [LastName]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['LastName'],
      },
    ])
    expect(sim.records.list('Account')).toEqual([])
    expect(sim.ledger().totals.writes).toBe(0)
    expect(await pulledEvents(sim)).toEqual([])
  })

  it('without allOrNone: failures stay local, dependants are halted, the rest commits one by one', async () => {
    const { results } = await composite({
      allOrNone: false,
      compositeRequest: [
        account('good', { Name: 'Good', External_Id__c: 'P-1' }),
        account('dup', { Name: 'Bad', BillingCity: 'x'.repeat(50) }),
        {
          method: 'POST',
          url: `${DATA}/sobjects/Contact`,
          referenceId: 'child',
          body: { LastName: 'Orphan', AccountId: '@{dup.id}' },
        },
        {
          method: 'POST',
          url: `${DATA}/sobjects/Contact`,
          referenceId: 'sibling',
          body: { LastName: 'Fine', AccountId: '@{good.id}' },
        },
      ],
    })
    expect(results.map((r) => r.httpStatusCode)).toEqual([201, 400, 400, 201])
    expect((results[1]?.body as { errorCode: string }[])[0]?.errorCode).toBe('STRING_TOO_LONG')
    expect((results[2]?.body as { errorCode: string }[])[0]?.errorCode).toBe('PROCESSING_HALTED')
    expect(sim.records.list('Account').map((a) => a.Name)).toEqual(['Good'])
    expect(sim.records.list('Contact').map((c) => c.LastName)).toEqual(['Fine'])
    const keys = (await pulledEvents(sim)).map((e) => headerOf(e.payload).transactionKey)
    expect(new Set(keys).size).toBe(2)
  })

  it('counts as one API call, whatever the number of subrequests', async () => {
    const usage = async () => {
      const response = await sf.call('GET', `${DATA}/limits`)
      return response.headers.get('sforce-limit-info') ?? ''
    }
    const before = Number(/api-usage=(\d+)/.exec(await usage())?.[1])
    const { response } = await composite({
      compositeRequest: Array.from({ length: 5 }, (_, i) => account(`a${i}`, { Name: `N${i}` })),
    })
    expect(response.headers.get('sforce-limit-info')).toBe(`api-usage=${before + 1}/100000`)
  })

  it.each([
    [
      'a subrequest that sets Authorization',
      {
        method: 'GET',
        url: `${DATA}/limits`,
        referenceId: 'x',
        httpHeaders: { Authorization: 'Bearer other' },
      },
    ],
    [
      'a reference to an unknown referenceId',
      { method: 'GET', url: `${DATA}/sobjects/Account/@{nope.id}`, referenceId: 'x' },
    ],
    ['a missing referenceId', { method: 'GET', url: `${DATA}/limits` }],
  ])('refuses %s with a top-level 400 and runs nothing', async (_name, sub) => {
    const { response } = await composite({
      compositeRequest: [account('first', { Name: 'Not created' }), sub],
    })
    expect(response.status).toBe(400)
    await sfErrorOf(response)
    expect(sim.records.list('Account')).toEqual([])
  })

  it('refuses more than 25 subrequests', async () => {
    const { response } = await composite({
      compositeRequest: Array.from({ length: 26 }, (_, i) => account(`a${i}`, { Name: `N${i}` })),
    })
    expect(response.status).toBe(400)
    expect(sim.records.list('Account')).toEqual([])
  })
})
