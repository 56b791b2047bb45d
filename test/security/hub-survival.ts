/** @module test/security/hub-survival — after a hostile campaign: the hub still serves, logged no crash, and Object.prototype is intact. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Harness } from '../support/hub-harness.ts'

/** Own property names of Object.prototype, sorted; take it before the campaign starts. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort()
}

export async function isHealthy(h: Harness): Promise<boolean> {
  return (await fetch(`${h.hub.url}/healthz`)).status === 200
}

export async function expectHubSurvived(h: Harness, prototypeBefore: string[]): Promise<void> {
  expect(await isHealthy(h)).toBe(true)
  expect((await fetch(`${h.hub.url}/api/v1/stats`)).status).toBe(200)
  // Lets the last log lines reach the file.
  await new Promise((r) => setTimeout(r, 200))
  const log = await readFile(join(h.dataDir, 'hub.log'), 'utf8')
  expect(log).not.toMatch(/RangeError|Maximum call stack|uncaught|unhandled/i)
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore)
}
