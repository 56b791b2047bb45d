/** @module test/server/hub-customer-master-config.test — the customer-master binding and Salesforce connections in the hub config: accepted as data, refused with the fix printed. */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseHubConfig } from '../../src/server/hub-config.ts'

const salesforce = {
  crm: {
    loginUrl: 'https://acme.my.salesforce.com',
    apiVersion: '62.0',
    grantType: 'client_credentials',
    clientId: 'cid',
    clientSecret: 'secret',
    externalIdField: 'ERP_Customer_Id__c',
  },
}
const netsuite = { erp: { accountId: '1234567', clientId: 'c', clientSecret: 's' } }
const binding = {
  flow: 'customer-master',
  salesforceConnection: 'crm',
  erp: 'netsuite',
  erpConnection: 'erp',
}

function configError(input: unknown): string {
  try {
    parseHubConfig(input)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('the config parsed')
}

describe('customer-master binding', () => {
  it('binds a Salesforce connection to an ERP, under the customerMaster policy', () => {
    const config = parseHubConfig({
      connections: { salesforce, netsuite },
      flows: [binding],
      policies: { customerMaster: { newRecords: { requireApproval: false } } },
    })
    expect(config.flows).toEqual([binding])
    expect(config.connections.salesforce.crm).toMatchObject({
      loginUrl: 'https://acme.my.salesforce.com',
      clientName: 'SynclineHub',
    })
    expect(config.policies.customerMaster.newRecords.requireApproval).toBe(false)
  })

  it('names the missing connection and where to define it', () => {
    const message = configError({
      connections: { netsuite },
      flows: [{ ...binding, salesforceConnection: 'org' }],
    })
    expect(message).toContain(
      'flows[0].salesforceConnection: no Salesforce connection named "org"; known: (none) (define it under connections.salesforce)',
    )
    expect(
      configError({ connections: { salesforce }, flows: [{ ...binding, erp: 'sap' }] }),
    ).toContain('flows[0].erpConnection: no SAP connection named "erp"')
  })

  it('prints the fix for an unknown ERP and a bad Salesforce connection', () => {
    const message = configError({
      connections: { salesforce: { crm: { ...salesforce.crm, externalIdField: '1bad' } } },
      flows: [{ ...binding, erp: 'oracle' }],
    })
    expect(message).toContain('expected the ERP the customers go to: "netsuite" or "sap"')
    expect(message).toContain('connections.salesforce.crm.externalIdField')
    expect(message).toContain('"ERP_Customer_Id__c"')
  })
})
