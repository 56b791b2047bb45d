/** @module test/connectors/conformance/netsuite-subject — the NetSuite connector as the conformance suite drives it. */
import { expect } from 'vitest'
import { setMaxListeners } from 'node:events'
import { systemClock } from '../../../src/clock/clock.ts'
import { NetSuiteClient } from '../../../src/connectors/netsuite/netsuite-client.ts'
import { netsuiteConnectorSpec } from '../../../src/connectors/netsuite/netsuite-connector-spec.ts'
import { netsuiteCustomerToCanonical } from '../../../src/connectors/netsuite/netsuite-inbound-mapping.ts'
import { parseNetSuiteConnectionConfig } from '../../../src/connectors/netsuite/netsuite-spec.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { createNetSuiteSimulator } from '../../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../../src/sandbox/netsuite/netsuite-simulator.ts'
import { rejection } from './conformance-subject.ts'
import type { ConformanceEstate, ConformanceSubject } from './conformance-subject.ts'

const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'

const validConfig = {
  accountId: '1234567_SB1',
  clientId: 'client-1',
  clientSecret: 'secret-1',
}

/** A simulator of its own for a fault check, with a client logged in to it; stopped after `check`. */
async function withOwnAccount(
  seed: number,
  check: (client: NetSuiteClient, sim: NetSuiteSimulator) => Promise<void>,
): Promise<void> {
  const sim = createNetSuiteSimulator({ seed })
  await sim.start()
  try {
    const client = new NetSuiteClient(
      parseNetSuiteConnectionConfig({
        accountId: sim.accountId,
        baseUrl: sim.baseUrl,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        requestTimeoutMs: 3_000,
      }),
    )
    await check(client, sim)
  } finally {
    await sim.stop()
  }
}

async function start(): Promise<ConformanceEstate> {
  // The simulator's account limit is above the governor's: the governor, not the target's 429s,
  // must be what keeps the hub under it.
  const sim = createNetSuiteSimulator({ seed: 7, concurrencyLimit: 10 })
  await sim.start()
  const config = parseNetSuiteConnectionConfig({
    accountId: sim.accountId,
    baseUrl: sim.baseUrl,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    requestTimeoutMs: 3_000,
    concurrencyLimit: 4,
  })
  let client = new NetSuiteClient(config)
  const customerBody = (key: string) => ({
    externalId: key,
    isPerson: false,
    companyName: `Conformance ${key}`,
  })
  const write = (key: string, options: { idempotencyKey: string; signal?: AbortSignal }) =>
    client.upsertByExternalId('customer', key, customerBody(key), options)
  // Faults apply to writes only (the simulator's default): reads observe, writes are faulted.
  const scriptNextWrite = (fault: 'commitThenDrop' | 'rateLimit'): Promise<void> => {
    sim.setScenario({ sequence: [fault], retryAfterSeconds: { min: 1, max: 1 } })
    return Promise.resolve()
  }
  return {
    async authenticatedRead() {
      await client.getGovernanceLimits()
    },
    expireCredentials() {
      sim.expireTokens()
      return Promise.resolve()
    },
    credentialRequests: () =>
      sim.requests().filter((r) => r.method === 'POST' && r.path === TOKEN_PATH).length,
    revokeCredentials() {
      // The simulator cannot revoke an integration record; a client holding a secret the account
      // no longer accepts meets the same answer from the token endpoint (401 invalid_client).
      client = new NetSuiteClient(
        parseNetSuiteConnectionConfig({
          ...validConfig,
          baseUrl: sim.baseUrl,
          clientId: sim.clientId,
          clientSecret: 'revoked',
        }),
      )
      return Promise.resolve()
    },
    write,
    async lookup(key) {
      const found = await client.getByExternalId('customer', key)
      return found === null ? null : { id: found.id }
    },
    countAtTarget: (key) => sim.records.list('customer').filter((r) => r.externalId === key).length,
    commitThenDropNextWrite: () => scriptNextWrite('commitThenDrop'),
    throttleNextWrite: () => scriptNextWrite('rateLimit'),
    async governorProbe(count) {
      const governance = netsuiteConnectorSpec.governance(config)
      const gates = new TargetGates(systemClock, silentObserver)
      gates.configure(governance.target, { concurrency: governance.concurrency })
      sim.setScenario({ latencyMs: { min: 20, max: 40 } })
      const signal = new AbortController().signal
      // Every governed call listens on the one signal, as every run's calls do on its lease.
      setMaxListeners(count + 8, signal)
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          gates.run(governance.target, signal, () =>
            write(`conf-governed-${i}`, { idempotencyKey: `idem-governed-${i}` }),
          ),
        ),
      )
      return {
        maxInFlightAtSimulator: sim.ledger().concurrency.max,
        limit: governance.concurrency,
      }
    },
    async stop() {
      await sim.stop()
    },
  }
}

export const netsuiteSubject: ConformanceSubject = {
  spec: netsuiteConnectorSpec,
  validConfig,
  // Either credential set may be given, so only the account is required as a field; the empty
  // config's error still names both sets (see netsuite-auth-config.test.ts).
  requiredFields: ['accountId'],
  golden: [
    {
      name: 'netsuite/customer-person',
      map: (payload) => netsuiteCustomerToCanonical(JSON.parse(payload.toString('utf8'))),
    },
    {
      name: 'netsuite/customer-company-minimal',
      map: (payload) => netsuiteCustomerToCanonical(JSON.parse(payload.toString('utf8'))),
    },
  ],
  goldenCovers: [],
  start,
  faultChecks: [
    {
      row: 9,
      name: '204 with the id only in Location: the id is read from it',
      async run(estate) {
        const { id } = await estate.write('conf-location-1', { idempotencyKey: 'idem-location-1' })
        expect(id).toMatch(/^\d+$/)
        expect(await estate.lookup('conf-location-1')).toEqual({ id })
      },
    },
    {
      row: 11,
      name: 'a transform to invoice repeated after a dropped answer makes one invoice',
      run: () =>
        withOwnAccount(11, async (client, sim) => {
          const { id: customer } = await client.upsertByExternalId('customer', 'conf-inv-c', {
            companyName: 'Conformance invoicing',
          })
          const { id: order } = await client.upsertByExternalId('salesOrder', 'conf-inv-so', {
            entity: { id: customer },
            item: { items: [{ item: { externalId: 'SKU-1' }, quantity: 2, rate: 10 }] },
          })
          sim.setScenario({ sequence: ['commitThenDrop'] })
          expect((await rejection(client.transformToInvoice(order))).type).toBe('unknown_outcome')
          const again = await client.transformToInvoice(order)
          expect(sim.records.list('invoice').map((r) => r.id)).toEqual([again.id])
          expect(again.created).toBe(false)
        }),
    },
    {
      row: 12,
      name: 'a UI edit of a field the hub does not map survives the hub’s next update',
      run: () =>
        withOwnAccount(12, async (client, sim) => {
          const { id: customer } = await client.upsertByExternalId('customer', 'conf-ui-c', {
            companyName: 'Conformance UI edit',
          })
          const order = (version: string, quantity: number) => ({
            entity: { id: customer },
            custbody_syncline_source_version: version,
            item: { items: [{ item: { externalId: 'SKU-1' }, quantity, rate: 10 }] },
          })
          await client.upsertByExternalId('salesOrder', 'conf-ui-so', order('1', 1))
          const stored = sim.records.get('salesOrder', 'eid:conf-ui-so')
          if (stored === undefined) throw new Error('the sales order was not stored')
          // A clerk adds a memo in the UI; then the next version of the order arrives.
          sim.records.put('salesOrder', {
            ...stored.fields,
            externalId: 'conf-ui-so',
            memo: 'call first',
          })
          await client.upsertByExternalId('salesOrder', 'conf-ui-so', order('2', 3))
          const after = sim.records.get('salesOrder', 'eid:conf-ui-so')?.fields ?? {}
          expect(after.memo).toBe('call first')
          expect(after.custbody_syncline_source_version).toBe('2')
          expect(after.item).toMatchObject({ items: [{ quantity: 3 }] })
        }),
    },
    {
      row: 17,
      name: 'a field made mandatory on the form is validation naming it, and nothing is written',
      run: () =>
        withOwnAccount(17, async (client, sim) => {
          const { id: customer } = await client.upsertByExternalId('customer', 'conf-drift-c', {
            companyName: 'Conformance drift',
          })
          sim.requireFields('salesOrder', ['custbody_approval_code'])
          const body = {
            entity: { id: customer },
            item: { items: [{ item: { externalId: 'SKU-2' }, quantity: 1 }] },
          }
          const error = await rejection(
            client.upsertByExternalId('salesOrder', 'conf-drift-so', body),
          )
          expect(error.type).toBe('validation')
          expect(error.code).toBe('USER_ERROR')
          expect(error.message).toContain('custbody_approval_code')
          expect(sim.records.get('salesOrder', 'eid:conf-drift-so')).toBeUndefined()
          // Mapped by the operator, the replayed write goes through.
          await client.upsertByExternalId('salesOrder', 'conf-drift-so', {
            ...body,
            custbody_approval_code: 'AUTO',
          })
          expect(sim.records.get('salesOrder', 'eid:conf-drift-so')).toBeDefined()
        }),
    },
    {
      row: 14,
      name: 'a business error is validation, with NetSuite’s code and path',
      run: () =>
        withOwnAccount(8, async (client) => {
          // An item that does not exist: NetSuite answers 400 INVALID_VALUE at `item`.
          const error = await rejection(
            client.upsertByExternalId('salesOrder', 'conf-bad-item', {
              externalId: 'conf-bad-item',
              entity: { id: '1' },
              item: { items: [{ item: { externalId: 'NO-SUCH-SKU' }, quantity: 1 }] },
            }),
          )
          expect(error.type).toBe('validation')
          expect(error.code).toBeTruthy()
        }),
    },
  ],
}
