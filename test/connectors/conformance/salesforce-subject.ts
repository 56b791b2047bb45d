/** @module test/connectors/conformance/salesforce-subject — the Salesforce connector's conformance subject: Account upserts by external id against the Salesforce simulator. */
import { readFileSync } from 'node:fs'
import { parseAccountChangeEvent } from '../../../src/connectors/salesforce/salesforce-cdc-mapping.ts'
import { salesforceConnectorSpec } from '../../../src/connectors/salesforce/salesforce-connector-spec.ts'
import type { ConformanceSubject } from './conformance-subject.ts'
import { SalesforceEstate } from './salesforce-estate.ts'
import { salesforceFaultChecks } from './salesforce-fault-checks.ts'

// The Salesforce client, token-provider and CDC-mapping tests build their configs from here.
export { KEY_FIELD, salesforceConfigFor, tokenRequestsAt } from './salesforce-estate.ts'

const golden = (name: string) => ({
  name: `salesforce/${name}`,
  map: (payload: Buffer) => {
    const mapped = parseAccountChangeEvent(payload)
    if (mapped.kind !== 'customers' || mapped.customers.length !== 1) {
      throw new Error(`expected one customer, got ${mapped.kind}`)
    }
    return mapped.customers[0]
  },
})

export const salesforceSubject: ConformanceSubject = {
  spec: salesforceConnectorSpec,
  validConfig: {
    loginUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9example',
    clientSecret: 'not-a-real-secret',
    externalIdField: 'ERP_Customer_Id__c',
  },
  requiredFields: ['loginUrl', 'clientId', 'clientSecret', 'externalIdField'],
  golden: [golden('account-cdc-create'), golden('account-cdc-update-name-only')],
  goldenCovers: [],
  start: () => SalesforceEstate.start(),
  faultChecks: salesforceFaultChecks,
}

/** Keeps the recorded fixture bytes readable from other Salesforce tests. */
export function salesforceFixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/salesforce/${name}`, import.meta.url))
}
