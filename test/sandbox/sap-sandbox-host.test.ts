/** @module test/sandbox/sap-sandbox-host.test — startSandbox starts the SAP simulator only when asked, on its own port, and stops it with the rest. */

import { describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/sandbox/sandbox-host.ts'
import { basicOf, SO_PATH } from './sap-test-kit.ts'

describe('startSandbox with SAP', () => {
  it('leaves SAP out by default', async () => {
    const sandbox = await startSandbox({ seed: 2 })
    try {
      expect(sandbox.sap).toBeUndefined()
      expect(sandbox.simulators.map((s) => s.name)).toEqual(['shopify', 'netsuite'])
    } finally {
      await sandbox.stop()
    }
  })

  it('starts SAP on its own loopback port when given options, and stops it', async () => {
    const sandbox = await startSandbox({ seed: 2, sap: { systemId: 'SBX' } })
    const sap = sandbox.sap
    if (!sap) throw new Error('SAP simulator not started')
    const ports = [sandbox.shopify.baseUrl, sandbox.netsuite.baseUrl, sap.baseUrl].map(
      (u) => new URL(u).port,
    )
    expect(new Set(ports).size).toBe(3)
    const response = await fetch(`${sap.baseUrl}${SO_PATH}/?$format=json`, {
      headers: { authorization: basicOf(sap) },
    })
    expect(response.status).toBe(200)
    expect(response.headers.getSetCookie()[0]).toMatch(/^SAP_SESSIONID_SBX_100=/)
    expect(sap.scenario().seed).toBe(2)
    await sandbox.stop()
    await expect(fetch(sap.scenarioUrl)).rejects.toThrow()
  })
})
