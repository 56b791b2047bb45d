/** @module test/connectors/conformance/sap-subject — the SAP S/4HANA connector as the conformance suite drives it, against the SAP simulator over HTTP. */
import { sapConnectorSpec } from '../../../src/connectors/sap/sap-connector-spec.ts'
import {
  sapBusinessPartnerToCanonical,
  sapSalesOrderToSnapshot,
} from '../../../src/connectors/sap/sap-reverse-mapping.ts'
import { entityOf } from '../../../src/connectors/sap/sap-odata-json.ts'
import { parseUntrustedJson } from '../../../src/connectors/wire/untrusted-json.ts'
import type { ConformanceSubject } from './conformance-subject.ts'
import { startSapEstate } from './sap-estate.ts'
import { sapFaultChecks } from './sap-fault-checks.ts'

// The SAP client, batch, mapping and order-port tests build their configs and orders from here.
export { SOLD_TO, sampleOrder, sapTestConfig } from './sap-estate.ts'

const fixtureMapper = (map: (entity: Record<string, unknown>) => unknown) => (payload: Buffer) => {
  const entity = entityOf(parseUntrustedJson(payload, { source: 'SAP fixture' }))
  if (entity === undefined) throw new Error('the fixture is not an OData entity')
  return map(entity)
}

export const sapSubject: ConformanceSubject = {
  spec: sapConnectorSpec,
  validConfig: {
    baseUrl: 'https://my300000-api.s4hana.cloud.sap',
    username: 'SYNCLINE_INT',
    password: 'not-a-real-password',
  },
  requiredFields: ['baseUrl', 'username', 'password'],
  golden: [
    { name: 'sap/business-partner-person', map: fixtureMapper(sapBusinessPartnerToCanonical) },
    {
      name: 'sap/business-partner-organization-minimal',
      map: fixtureMapper(sapBusinessPartnerToCanonical),
    },
    { name: 'sap/sales-order-with-items', map: fixtureMapper(sapSalesOrderToSnapshot) },
  ],
  goldenCovers: ['money-strings'],
  start: startSapEstate,
  faultChecks: sapFaultChecks,
}
