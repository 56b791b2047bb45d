/** @module test/connectors/conformance/threepl.conformance.test — the shared connector suite, on the 3PL warehouse. */
import { runConnectorConformance } from './connector-conformance.ts'
import { threeplSubject } from './threepl-subject.ts'

runConnectorConformance(threeplSubject)
