/** @module test/connectors/conformance/shopify-subject — the Shopify connector as the conformance suite drives it, against the Shopify simulator over HTTP. */
import { shopifyConnectorSpec } from '../../../src/connectors/shopify/shopify-connector-spec.ts'
import { parseShopifyJson } from '../../../src/connectors/shopify/shopify-json.ts'
import { shopifyOrderToCanonical } from '../../../src/connectors/shopify/shopify-mapping.ts'
import type { ConformanceSubject } from './conformance-subject.ts'
import { shopifyFaultChecks } from './shopify-fault-checks.ts'
import { startShopifyEstate, validConfig } from './shopify-estate.ts'

const goldenMap = (payload: Buffer) => shopifyOrderToCanonical(parseShopifyJson(payload))

export const shopifySubject: ConformanceSubject = {
  spec: shopifyConnectorSpec,
  validConfig,
  requiredFields: ['shopDomain', 'apiVersion', 'accessToken', 'webhookSecrets'],
  golden: [
    { name: 'shopify/order-int64-money', map: goldenMap },
    { name: 'shopify/order-unicode-name', map: goldenMap },
    { name: 'shopify/order-minimal', map: goldenMap },
  ],
  goldenCovers: ['int64-ids', 'money-strings'],
  start: startShopifyEstate,
  faultChecks: shopifyFaultChecks,
}
