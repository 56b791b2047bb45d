/** @module test/connectors/conformance/netsuite.conformance.test — the shared connector suite, on NetSuite. */
import { runConnectorConformance } from './connector-conformance.ts'
import { netsuiteSubject } from './netsuite-subject.ts'

runConnectorConformance(netsuiteSubject)
