// The customer master bound to SAP instead of NetSuite, by the port alone: a new Account, once approved, becomes one business partner; a rename of it is one PATCH under the partner's ETag, and no write goes back to Salesforce.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import { createSapCustomerPort } from '../../src/flows/customer-master/index.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import { sapTestConfig } from '../connectors/conformance/sap-estate.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { customerMasterEstate } from './customer-master-kit.ts'

const pgUrl = await postgresForTests('customer master on SAP')
const { sf, freshHub, onboard } = customerMasterEstate(41)
const sap = createSapSimulator({ seed: 43 })
beforeAll(() => sap.start())
afterAll(() => sap.stop())

const sapWrites = (after: number) =>
  sap
    .requests(after)
    .filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !r.path.includes('$batch'))
    .map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`)

describeOnStores('customer master on SAP', pgUrl, (bench) => {
  it('creates one business partner once approved, and renames it with one PATCH', async () => {
    sap.reset()
    const b = bench()
    const config = sapTestConfig(sap)
    const port = createSapCustomerPort(new SapClient(config), config)
    const hub = await freshHub(b, {}, port)
    const mark = sap.requests().at(-1)?.seq ?? 0

    const { accountId, key } = await onboard(hub, b, 'Cyberdyne Systems')
    expect(key).toBe(`SF${accountId}`)
    const partners = () =>
      (sap.entities('A_BusinessPartner') ?? [])
        .map((e) => e as Record<string, unknown>)
        .filter((e) => e.BusinessPartnerIdByExtSystem === key)
    expect(partners()).toEqual([
      expect.objectContaining({ OrganizationBPName1: 'Cyberdyne Systems' }),
    ])
    const created = sapWrites(mark)
    expect(created).toHaveLength(1)
    expect(created[0]).toMatch(/^POST .*A_BusinessPartner$/)

    const beforeRename = sap.requests().at(-1)?.seq ?? 0
    const sfBefore = hub.mark()
    sf.records.put('Account', { Id: accountId, Name: 'Cyberdyne', Phone: '+1 555 0666' })
    await hub.pumpAfter(1)
    const renamed = sapWrites(beforeRename)
    expect(renamed).toHaveLength(1)
    expect(renamed[0]).toMatch(/^PATCH .*A_BusinessPartner\('\w+'\)$/)
    expect(partners()).toEqual([expect.objectContaining({ OrganizationBPName1: 'Cyberdyne' })])
    expect(hub.writesSince(sfBefore).salesforce).toEqual([])
    // The phone has no place on an SAP business partner: only the name is written.
    expect((await hub.runs()).map((r) => r.output)).toContainEqual(
      expect.objectContaining({ accountId, applied: ['name'] }),
    )
  })
})
