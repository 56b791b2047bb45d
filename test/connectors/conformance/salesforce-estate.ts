/** @module test/connectors/conformance/salesforce-estate — a started Salesforce simulator and the connector's client wired to it, for the conformance suite and the fault checks. */
import { expect } from 'vitest'
import { systemClock } from '../../../src/clock/clock.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { SalesforceClient } from '../../../src/connectors/salesforce/salesforce-client.ts'
import { salesforceConnectorSpec } from '../../../src/connectors/salesforce/salesforce-connector-spec.ts'
import { parseSalesforceConnectionConfig } from '../../../src/connectors/salesforce/salesforce-spec.ts'
import type { SalesforceConnectionConfig } from '../../../src/connectors/salesforce/salesforce-spec.ts'
import { createSalesforceSimulator } from '../../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { ConformanceEstate, WriteOptions } from './conformance-subject.ts'

/** Not unique in the simulator's org, so two rows can share a key (the 300 case). */
export const KEY_FIELD = 'External_Id__c'

/** A parsed config for the connector against `sim`: client credentials, External_Id__c, 4 in flight. */
export function salesforceConfigFor(
  sim: SalesforceSimulator,
  overrides: Record<string, unknown> = {},
): SalesforceConnectionConfig {
  return parseSalesforceConnectionConfig({
    loginUrl: sim.baseUrl,
    apiVersion: sim.apiVersion,
    grantType: 'client_credentials',
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    externalIdField: KEY_FIELD,
    requestTimeoutMs: 5_000,
    concurrencyLimit: 4,
    ...overrides,
  })
}

/** Token requests the simulator answered: its own request log, not the connector's count. */
export function tokenRequestsAt(sim: SalesforceSimulator): number {
  return sim.requests().filter((r) => r.path === '/services/oauth2/token').length
}

/** Scripts the org's next answers through the simulator's control route; the fault checks use it too. */
export async function scenario(sim: SalesforceSimulator, body: unknown): Promise<void> {
  const response = await fetch(`${sim.scenarioUrl}/scenario`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.status !== 200) {
    throw new Error(`scenario: ${response.status} ${await response.text()}`)
  }
}

export class SalesforceEstate implements ConformanceEstate {
  sim: SalesforceSimulator
  readonly config: SalesforceConnectionConfig
  readonly client: SalesforceClient

  private constructor(sim: SalesforceSimulator) {
    this.sim = sim
    this.config = salesforceConfigFor(sim)
    this.client = new SalesforceClient(this.config)
  }

  /** A fresh org whose requests count as long-running after 300 ms, so row 7 needs no 20 s waits. */
  static async start(): Promise<SalesforceEstate> {
    const sim = createSalesforceSimulator({ seed: 11, longRunningMs: 300 })
    await sim.start()
    return new SalesforceEstate(sim)
  }

  async authenticatedRead(): Promise<void> {
    await this.client.getLimits()
  }

  expireCredentials = async (): Promise<void> => {
    const response = await fetch(`${this.sim.scenarioUrl}/tokens/expire`, { method: 'POST' })
    expect(response.status).toBe(200)
  }

  credentialRequests(): number {
    return tokenRequestsAt(this.sim)
  }

  /**
   * The simulator has no route to rotate the connected app's secret, so the org is restarted on
   * the same port with another secret: what an admin rotating the consumer secret amounts to (every
   * session ends, the old secret is refused with `invalid_client`).
   */
  async revokeCredentials(): Promise<void> {
    const port = Number(new URL(this.sim.baseUrl).port)
    await this.sim.stop()
    this.sim = createSalesforceSimulator({ seed: 11, port, clientSecret: 'rotated-by-an-admin' })
    await this.sim.start()
  }

  async write(key: string, options: WriteOptions): Promise<{ id: string }> {
    const { id } = await this.client.upsertAccount(
      key,
      { Name: `Conformance ${key}` },
      options.signal === undefined ? {} : { signal: options.signal },
    )
    return { id }
  }

  async lookup(key: string): Promise<{ id: string } | null> {
    const found = await this.client.getAccount(key, { fields: ['Id'] })
    return found === null ? null : { id: found.id }
  }

  countAtTarget(key: string): number {
    return this.sim.records.byExternalId('Account', KEY_FIELD, key).length
  }

  commitThenDropNextWrite(): Promise<void> {
    return scenario(this.sim, { sequence: ['commitThenDrop'] })
  }

  /** Salesforce throttles with 403 REQUEST_LIMIT_EXCEEDED, never 429. */
  throttleNextWrite(): Promise<void> {
    return scenario(this.sim, { sequence: ['requestLimit'] })
  }

  async governorProbe(count: number): Promise<{ maxInFlightAtSimulator: number; limit: number }> {
    await this.authenticatedRead() // the session first: the token call is in the org's in-flight count too
    const governance = salesforceConnectorSpec.governance(this.config)
    const gates = new TargetGates(systemClock, silentObserver)
    gates.configure(governance.target, {
      concurrency: governance.concurrency,
      ...(governance.rate === undefined ? {} : { rate: governance.rate }),
    })
    // Each write takes 60 ms at the org, so unGoverned ones would overlap.
    await scenario(this.sim, { latencyMs: { min: 60, max: 60 } })
    // One signal per run, as the engine gives each run its own lease.
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        gates.run(governance.target, new AbortController().signal, () =>
          this.write(`conf-probe-${i}`, { idempotencyKey: `probe-${i}` }),
        ),
      ),
    )
    await scenario(this.sim, {})
    return {
      maxInFlightAtSimulator: this.sim.ledger().concurrency.max,
      limit: governance.concurrency,
    }
  }

  stop(): Promise<void> {
    return this.sim.stop()
  }
}
