/** @module test/connectors/conformance/shopify.conformance.test — the shared connector suite, on Shopify. */
import { runConnectorConformance } from './connector-conformance.ts'
import { shopifySubject } from './shopify-subject.ts'

runConnectorConformance(shopifySubject)
