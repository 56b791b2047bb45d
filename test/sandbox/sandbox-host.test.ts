/** @module test/sandbox/sandbox-host.test — startSandbox brings both simulators up on their own ports and tells the hub how to reach them. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EffectsLedger } from '../../src/sandbox/kit/effects-ledger.ts'
import { seededRandom } from '../../src/sandbox/kit/seeded-random.ts'
import { startSandbox } from '../../src/sandbox/sandbox-host.ts'
import type { Sandbox } from '../../src/sandbox/sandbox-host.ts'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5 })
})
afterAll(() => sandbox.stop())

describe('startSandbox', () => {
  it('starts each simulator on its own loopback port with the config the hub needs', async () => {
    const [shopify, netsuite] = sandbox.simulators
    expect(shopify).toMatchObject({
      name: 'shopify',
      shopDomain: 'demo-shop.myshopify.com',
      apiVersion: '2026-01',
      accessToken: expect.any(String),
      webhookSecret: expect.any(String),
    })
    expect(netsuite).toMatchObject({
      name: 'netsuite',
      accountId: expect.any(String),
      clientId: expect.any(String),
      clientSecret: expect.any(String),
    })
    const ports = sandbox.simulators.map((s) => new URL(s.baseUrl).port)
    expect(new Set(ports).size).toBe(2)
    for (const s of sandbox.simulators) {
      expect(new URL(s.baseUrl).hostname).toBe('127.0.0.1')
      const described = (await (await fetch(s.scenarioUrl)).json()) as {
        simulator: string
        simRoutes: unknown[]
      }
      expect(described.simulator).toBe(s.name)
      expect(described.simRoutes.length).toBeGreaterThan(5)
      expect(
        ((await (await fetch(`${s.scenarioUrl}/scenario`)).json()) as { seed: number }).seed,
      ).toBe(5)
    }
  })

  it('resets NetSuite data back to the seed over HTTP', async () => {
    const ns = sandbox.netsuite
    ns.records.put('customer', { externalId: 'TMP', companyName: 'Temp' })
    expect(ns.records.list('customer')).toHaveLength(1)
    expect((await fetch(`${ns.scenarioUrl}/reset`, { method: 'POST' })).status).toBe(200)
    expect(ns.records.list('customer')).toHaveLength(0)
    expect(ns.records.list('inventoryItem').map((r) => r.externalId)).toEqual(
      Array.from({ length: 20 }, (_, i) => `SKU-${i + 1}`),
    )
  })
})

describe('sandbox kit', () => {
  it('mulberry32 is reproducible and forks independent streams', () => {
    const a = seededRandom(123)
    const b = seededRandom(123)
    const drawn = Array.from({ length: 10 }, () => a.next())
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(drawn)
    expect(drawn.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(seededRandom(123).fork(1).next()).not.toBe(drawn[0])
  })

  it('records a Retry-After violation only before the deadline', () => {
    let clock = 1_000
    const ledger = new EffectsLedger(() => clock)
    const key = { recordType: 'customer', key: 'K' }
    ledger.noteRetryAfter(key, 3_000)
    expect(ledger.checkArrival(key, 2_999, 'PUT', '/x')).toBe(true)
    expect(ledger.checkArrival(key, 3_000, 'PUT', '/x')).toBe(false)
    expect(ledger.checkArrival({ recordType: 'customer', key: 'other' }, 2_000, 'PUT', '/x')).toBe(
      false,
    )
    ledger.recordEffect(key, 'create')
    clock = 5_000
    ledger.recordEffect(key, 'update')
    const snapshot = ledger.snapshot(1, 5)
    expect(snapshot.retryAfterViolations).toEqual([
      expect.objectContaining({ businessKey: 'K', earlyByMs: 1 }),
    ])
    expect(snapshot.effects).toEqual([
      expect.objectContaining({
        creates: 1,
        updates: 1,
        writes: 2,
        lastAppliedAt: new Date(5_000).toISOString(),
      }),
    ])
  })
})
