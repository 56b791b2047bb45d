/** @module test/sandbox/threepl-sandbox-host.test — the sandbox starts the 3PL simulator when asked, on its own port with the shared seed, and stops it with the rest. */

import { describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/sandbox/sandbox-host.ts'

describe('startSandbox with the 3PL simulator', () => {
  it('starts it only when asked, with the shared seed, and stops it with the others', async () => {
    const plain = await startSandbox({ seed: 8 })
    expect(plain.threepl).toBeUndefined()
    await plain.stop()

    const sandbox = await startSandbox({ seed: 8, threepl: { progressionTickMs: 0 } })
    try {
      const threepl = sandbox.threepl
      if (!threepl) throw new Error('3PL simulator not started')
      const ports = [sandbox.shopify.baseUrl, sandbox.netsuite.baseUrl, threepl.baseUrl].map(
        (u) => new URL(u).port,
      )
      expect(new Set(ports).size).toBe(3)
      const described = (await (await fetch(threepl.scenarioUrl)).json()) as { simulator: string }
      expect(described.simulator).toBe('threepl')
      const scenario = (await (await fetch(`${threepl.scenarioUrl}/scenario`)).json()) as {
        seed: number
      }
      expect(scenario.seed).toBe(8)
      // The hub's list stays as it was: no 3PL connector consumes it yet.
      expect(sandbox.simulators.map((s) => s.name)).toEqual(['shopify', 'netsuite'])
    } finally {
      await sandbox.stop()
    }
    await expect(fetch(`${sandbox.threepl?.scenarioUrl}`)).rejects.toThrow()
    await expect(sandbox.stop()).resolves.toBeUndefined()
  })
})
