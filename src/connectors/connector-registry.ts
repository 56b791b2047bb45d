/** @module connectors/connector-registry — every connector's spec, in one list (docs, conformance, config). */
import type { ConnectorSpec } from './connector-contract.ts'
import { netsuiteConnectorSpec } from './netsuite/netsuite-connector-spec.ts'
import { salesforceConnectorSpec } from './salesforce/salesforce-connector-spec.ts'
import { sapConnectorSpec } from './sap/sap-connector-spec.ts'
import { shopifyConnectorSpec } from './shopify/shopify-connector-spec.ts'
import { threeplConnectorSpec } from './threepl/threepl-connector-spec.ts'

// Each spec is typed by its own config; the list reads them through the config-agnostic contract
// (its methods take their config bivariantly, so a spec for one config is a `ConnectorSpec`).
export const CONNECTOR_SPECS: readonly ConnectorSpec[] = [
  shopifyConnectorSpec,
  salesforceConnectorSpec,
  netsuiteConnectorSpec,
  sapConnectorSpec,
  threeplConnectorSpec,
]
