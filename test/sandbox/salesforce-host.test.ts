/** @module test/sandbox/salesforce-host.test — startSandbox starts the Salesforce simulator when asked, on its own port, beside the default simulators. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/sandbox/sandbox-host.ts'
import type { Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { passwordToken } from './salesforce-test-kit.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, salesforce: {} })
})
afterAll(() => sandbox.stop())

describe('startSandbox with salesforce', () => {
  it('starts the Salesforce simulator on its own port, opt-in and outside `simulators`', async () => {
    const salesforce = sandbox.salesforce
    if (!salesforce) throw new Error('salesforce simulator not started')
    expect(sandbox.simulators.map((s) => s.name)).toEqual(['shopify', 'netsuite'])
    const ports = new Set(
      [...sandbox.simulators.map((s) => s.baseUrl), salesforce.baseUrl].map((u) => new URL(u).port),
    )
    expect(ports.size).toBe(3)
    const described = (await (await fetch(salesforce.scenarioUrl)).json()) as { simulator: string }
    expect(described.simulator).toBe('salesforce')
    expect(salesforce.scenario().seed).toBe(5)
    const token = await passwordToken(salesforce)
    const response = await fetch(`${salesforce.baseUrl}/services/data/v62.0/limits`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(response.status).toBe(200)
  })
})
