/** @module test/sandbox/netsuite-test-estate — one NetSuite simulator per test file, reset before each test, with a logged-in HTTP client and record-reading shorthands. */
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { netsuiteClient } from './sandbox-test-kit.ts'
import type { NetSuiteClient } from './sandbox-test-kit.ts'

export type Json = Record<string, unknown>

export interface NetSuiteTestEstate {
  readonly sim: NetSuiteSimulator
  /** The client logged in for the current test (a fresh token after each reset). */
  readonly ns: () => NetSuiteClient
  /** GET a path and parse its JSON body. */
  readonly json: (path: string) => Promise<Json>
  /** The internal id at the end of a 204's `Location`. */
  readonly idFrom: (response: Response) => string
  /** The internal id of a seeded location by external id (`WH-MAIN`, `WH-EAST`). */
  readonly locationId: (externalId: string) => string
}

/** Registers the file's hooks: start once, reset and log in before each test, stop at the end. */
export function useNetSuiteTestEstate(seed: number): NetSuiteTestEstate {
  const sim = createNetSuiteSimulator({ seed })
  let client: NetSuiteClient | undefined
  beforeAll(() => sim.start())
  afterAll(() => sim.stop())
  beforeEach(async () => {
    sim.reset()
    client = await netsuiteClient(sim)
  })
  const ns = (): NetSuiteClient => {
    if (client === undefined) throw new Error('the NetSuite test client exists only inside a test')
    return client
  }
  return {
    sim,
    ns,
    json: async (path) => (await (await ns().call('GET', path)).json()) as Json,
    idFrom: (response) => response.headers.get('location')?.split('/').pop() ?? '',
    locationId: (eid) => sim.records.get('location', `eid:${eid}`)?.id ?? '',
  }
}
