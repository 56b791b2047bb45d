/** @module test/connectors/conformance/salesforce.conformance.test — the shared connector conformance suite, run on the Salesforce connector. */
import { runConnectorConformance } from './connector-conformance.ts'
import { salesforceSubject } from './salesforce-subject.ts'

runConnectorConformance(salesforceSubject)
