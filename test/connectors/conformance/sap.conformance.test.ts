/** @module test/connectors/conformance/sap.conformance — the SAP S/4HANA connector passes the shared connector conformance suite. */
import { runConnectorConformance } from './connector-conformance.ts'
import { sapSubject } from './sap-subject.ts'

runConnectorConformance(sapSubject)
