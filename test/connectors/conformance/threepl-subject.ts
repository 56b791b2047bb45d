/** @module test/connectors/conformance/threepl-subject — the 3PL connector as the conformance suite drives it: its estate, golden fixtures and fault-row checks. */
import { threeplConnectorSpec } from '../../../src/connectors/threepl/threepl-connector-spec.ts'
import {
  threePlInventoryEventToCanonical,
  threePlInventoryPageToCanonical,
  threePlOrderToShipment,
  threePlShipmentEventToCanonical,
} from '../../../src/connectors/threepl/threepl-inbound-mapping.ts'
import type { ConformanceSubject } from './conformance-subject.ts'
import { startEstate, validConfig } from './threepl-estate.ts'
import { threeplFaultChecks } from './threepl-fault-checks.ts'

const json = (payload: Buffer): unknown => JSON.parse(payload.toString('utf8'))

export const threeplSubject: ConformanceSubject = {
  spec: threeplConnectorSpec,
  validConfig,
  requiredFields: ['baseUrl', 'apiKey', 'webhookSecrets'],
  golden: [
    { name: 'threepl/shipment-confirmed', map: (p) => threePlShipmentEventToCanonical(json(p)) },
    { name: 'threepl/inventory-adjusted', map: (p) => threePlInventoryEventToCanonical(json(p)) },
    { name: 'threepl/fulfillment-order-shipped', map: (p) => threePlOrderToShipment(json(p)) },
    {
      name: 'threepl/fulfillment-order-shipped-minimal',
      map: (p) => threePlOrderToShipment(json(p)),
    },
    { name: 'threepl/inventory-snapshot', map: (p) => threePlInventoryPageToCanonical(json(p)) },
  ],
  goldenCovers: [],
  start: startEstate,
  faultChecks: threeplFaultChecks,
}
