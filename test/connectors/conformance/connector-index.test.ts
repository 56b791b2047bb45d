/** @module test/connectors/conformance/connector-index.test — every connector is registered, documented, and runs the shared suite. */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONNECTOR_NAMES } from '../../../src/connectors/connector-contract.ts'
import { renderConnectorIndex } from '../../../src/connectors/connector-docs.ts'
import { CONNECTOR_SPECS } from '../../../src/connectors/connector-registry.ts'

describe('connector registry', () => {
  it('lists one spec per connector name, in order', () => {
    expect(CONNECTOR_SPECS.map((s) => s.name)).toEqual([...CONNECTOR_NAMES])
  })

  it('has a conformance test for every connector, each running the shared suite', () => {
    for (const name of CONNECTOR_NAMES) {
      const file = new URL(`./${name}.conformance.test.ts`, import.meta.url)
      expect(existsSync(file), `${name}.conformance.test.ts`).toBe(true)
      expect(readFileSync(file, 'utf8')).toContain('runConnectorConformance(')
    }
  })

  it('has docs/connectors/README.md generated from the specs (npm run docs:connectors)', () => {
    const onDisk = readFileSync(
      new URL('../../../docs/connectors/README.md', import.meta.url),
      'utf8',
    )
    expect(onDisk).toBe(renderConnectorIndex(CONNECTOR_SPECS))
  })
})
