/** @module connectors/connector-docs-main — `npm run docs:connectors`: writes docs/connectors/ from the specs. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { renderConnectorDoc, renderConnectorIndex } from './connector-docs.ts'
import { CONNECTOR_SPECS } from './connector-registry.ts'

const dir = new URL('../../docs/connectors/', import.meta.url)
mkdirSync(dir, { recursive: true })
for (const spec of CONNECTOR_SPECS) {
  writeFileSync(new URL(`${spec.name}.md`, dir), renderConnectorDoc(spec))
}
writeFileSync(new URL('README.md', dir), renderConnectorIndex(CONNECTOR_SPECS))
process.stdout.write(`wrote ${CONNECTOR_SPECS.length + 1} pages to docs/connectors/\n`)
