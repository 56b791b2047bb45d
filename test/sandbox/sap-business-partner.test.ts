/** @module test/sandbox/sap-business-partner.test — API_BUSINESS_PARTNER over real HTTP: creation with roles, derived names, lookup by external id, MERGE tunnelling. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { BP_PATH, errorOf, orderBody, sapClient, SO_PATH } from './sap-test-kit.ts'
import type { SapClient } from './sap-test-kit.ts'

let sim: SapSimulator
let sap: SapClient

beforeAll(async () => {
  sim = createSapSimulator({ seed: 43 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sap = await sapClient(sim)
})

type Entity = Record<string, unknown> & {
  __metadata: { id: string; uri: string; type: string; etag?: string }
}

describe('SAP business partners', () => {
  it('creates a partner with a customer role that can then buy, and finds it by external id', async () => {
    const response = await sap.call('POST', `${BP_PATH}/A_BusinessPartner`, {
      BusinessPartnerCategory: '2',
      OrganizationBPName1: 'Acme Retail',
      SearchTerm1: 'acme',
      BusinessPartnerIdByExtSystem: 'SHOPIFY-77',
      to_BusinessPartnerRole: { results: [{ BusinessPartnerRole: 'FLCU01' }] },
    })
    expect(response.status).toBe(201)
    const { d } = (await response.json()) as {
      d: Entity & { to_BusinessPartnerRole: { results: Entity[] } }
    }
    expect(d).toMatchObject({
      BusinessPartner: '1000000',
      Customer: '1000000',
      BusinessPartnerFullName: 'Acme Retail',
      SearchTerm1: 'ACME',
      BusinessPartnerIsBlocked: false,
      IsNaturalPerson: '',
    })
    expect(d.__metadata.type).toBe('API_BUSINESS_PARTNER.A_BusinessPartnerType')
    expect(d.to_BusinessPartnerRole.results[0]).toMatchObject({ BusinessPartnerRole: 'FLCU01' })
    const found = await sap.read<{ results: Entity[] }>(
      `${BP_PATH}/A_BusinessPartner?$filter=BusinessPartnerIdByExtSystem eq 'SHOPIFY-77'&$expand=to_BusinessPartnerRole`,
    )
    expect(found.results.map((r) => r.BusinessPartner)).toEqual(['1000000'])
    const order = await sap.call(
      'POST',
      `${SO_PATH}/A_SalesOrder`,
      orderBody('ACME-1', undefined, { SoldToParty: '1000000' }),
    )
    expect(order.status).toBe(201)
    expect(sim.ledger().effects.find((e) => e.businessKey === 'SHOPIFY-77')).toMatchObject({
      recordType: 'A_BusinessPartner',
      creates: 1,
    })
  })

  it('derives a person name and refuses a person without a last name', async () => {
    const person = await sap.call('POST', `${BP_PATH}/A_BusinessPartner`, {
      BusinessPartnerCategory: '1',
      FirstName: 'Ada',
      LastName: 'Lovelace',
    })
    const { d } = (await person.json()) as { d: Entity }
    expect(d).toMatchObject({ BusinessPartnerFullName: 'Ada Lovelace', IsNaturalPerson: 'X' })
    const refused = await sap.call('POST', `${BP_PATH}/A_BusinessPartner`, {
      BusinessPartnerCategory: '1',
      FirstName: 'Nobody',
    })
    expect(await errorOf(refused)).toMatchObject({ code: '00/055' })
  })

  it('tunnels MERGE through POST with X-HTTP-Method, as SAPUI5 clients do', async () => {
    const current = await sap.call('GET', `${BP_PATH}/A_BusinessPartner('17100002')`)
    const merged = await sap.call(
      'POST',
      `${BP_PATH}/A_BusinessPartner('17100002')`,
      { SearchTerm2: 'vip' },
      { 'x-http-method': 'MERGE', 'if-match': current.headers.get('etag') ?? '' },
    )
    expect(merged.status).toBe(204)
    const after = await sap.read<Entity>(`${BP_PATH}/A_BusinessPartner('17100002')`)
    expect(after).toMatchObject({ SearchTerm2: 'VIP', LastChangedByUser: 'SYNCLINE_INT' })
  })
})
