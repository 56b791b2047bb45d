/** @module test/connectors/conformance/salesforce-fault-checks — the checks under each fault-checklist row the Salesforce connector declares, run by the shared suite against the simulator. */
import { expect } from 'vitest'
import { systemClock } from '../../../src/clock/clock.ts'
import { silentObserver } from '../../../src/engine/engine-observer.ts'
import { TargetGates } from '../../../src/engine/target-gate.ts'
import { SalesforceClient } from '../../../src/connectors/salesforce/salesforce-client.ts'
import { SalesforceMultipleMatchesError } from '../../../src/connectors/salesforce/salesforce-error-classifier.ts'
import { parseAccountChangeEvent } from '../../../src/connectors/salesforce/salesforce-cdc-mapping.ts'
import { salesforceConnectorSpec } from '../../../src/connectors/salesforce/salesforce-connector-spec.ts'
import type { SalesforceSimulator } from '../../../src/sandbox/salesforce/salesforce-simulator.ts'
import { rejection } from './conformance-subject.ts'
import type { ConformanceEstate, FaultRowCheck } from './conformance-subject.ts'
import { KEY_FIELD, SalesforceEstate, scenario } from './salesforce-estate.ts'

function sf(estate: ConformanceEstate): SalesforceEstate {
  if (!(estate instanceof SalesforceEstate)) throw new Error('not a Salesforce estate')
  return estate
}

const accountEvents = (sim: SalesforceSimulator) => {
  const read = sim.cdc.events('/data/AccountChangeEvent', -2)
  if (!read.ok) throw new Error(read.message)
  return read.events.map((e) =>
    parseAccountChangeEvent(JSON.stringify(e), { clientName: 'SynclineHub' }),
  )
}

/** One check per fault checklist row the spec declares, each against the simulator. */
export const salesforceFaultChecks: readonly FaultRowCheck[] = [
  {
    row: 4,
    name: 'no-op and system-only UPDATE events map to ignored, not to a Customer',
    async run(estate) {
      const { sim } = sf(estate)
      const { id } = await estate.write('conf-noop-1', { idempotencyKey: 'noop' })
      await estate.write('conf-noop-1', { idempotencyKey: 'noop' }) // same values: a no-op save
      sim.records.touch('Account', id)
      const kinds = accountEvents(sim).map((m) => m.kind)
      expect(kinds).toEqual(['customers', 'ignored', 'ignored'])
    },
  },
  {
    row: 6,
    name: 'a spent daily allocation is throttled for minutes; near the cap the client stops before sending',
    async run(estate) {
      const { sim, client, config } = sf(estate)
      await estate.authenticatedRead()
      sim.limits.configure(1_000, 899)
      await estate.authenticatedRead() // answered with api-usage=900/1000
      expect(client.apiUsage?.usage).toEqual({ used: 900, max: 1_000 })
      const sent = sim.requests().length
      const held = await rejection(estate.write('conf-limit-1', { idempotencyKey: 'l1' }))
      expect(held).toMatchObject({ type: 'throttled', code: 'API_USAGE_CEILING' })
      expect(held.retryAfterMs).toBeGreaterThan(4 * 60_000) // 5 min from the reading, less the time since
      expect(sim.requests().length).toBe(sent)
      // Another client, not yet warned by a header, meets the org's own refusal.
      sim.limits.configure(1_000, 1_000)
      const other = new SalesforceClient(config)
      const spent = await rejection(other.upsertAccount('conf-limit-2', { Name: 'Spent' }))
      expect(spent).toMatchObject({
        type: 'throttled',
        status: 403,
        code: 'REQUEST_LIMIT_EXCEEDED',
      })
      expect(spent.retryAfterMs).toBeGreaterThanOrEqual(5 * 60_000)
      expect(estate.countAtTarget('conf-limit-1') + estate.countAtTarget('conf-limit-2')).toBe(0)
    },
  },
  {
    row: 7,
    name: 'past the long-running cap a call is throttled; through the governor none is refused',
    async run(estate) {
      const { sim, config } = sf(estate)
      const narrow = { ...config, concurrencyLimit: 2 }
      const client = new SalesforceClient(narrow)
      await client.getLimits()
      await scenario(sim, { concurrencyLimit: 2, latencyMs: { min: 700, max: 700 } })
      const running = [client.getLimits(), client.getLimits()]
      await new Promise((resolve) => setTimeout(resolve, 400))
      const refused = await rejection(client.getLimits())
      expect(refused).toMatchObject({ type: 'throttled', status: 403, retryAfterMs: 20_000 })
      await Promise.all(running)
      const before = sim.ledger().concurrency.rejected
      const governance = salesforceConnectorSpec.governance(narrow)
      const gates = new TargetGates(systemClock, silentObserver)
      gates.configure(governance.target, { concurrency: governance.concurrency })
      await Promise.all(
        Array.from({ length: 5 }, () =>
          gates.run(governance.target, new AbortController().signal, () => client.getLimits()),
        ),
      )
      expect(sim.ledger().concurrency.rejected).toBe(before)
    },
  },
  {
    row: 8,
    name: 'after the session expires a write refreshes once, is retried once, and lands once',
    async run(estate) {
      const { sim } = sf(estate)
      await estate.authenticatedRead()
      await estate.expireCredentials?.()
      const tokens = estate.credentialRequests()
      await estate.write('conf-session-1', { idempotencyKey: 's1' })
      expect(estate.credentialRequests() - tokens).toBe(1)
      const patches = sim.requests().filter((r) => r.method === 'PATCH')
      expect(patches.map((r) => r.status)).toEqual([401, 201])
      expect(sim.ledger().effects.find((e) => e.businessKey === 'conf-session-1')).toMatchObject({
        creates: 1,
        writes: 1,
      })
    },
  },
  {
    row: 9,
    name: '300 on an external id held by two rows: validation MULTIPLE_CHOICES with both ids',
    async run(estate) {
      const { sim } = sf(estate)
      const ids = ['Twin A', 'Twin B'].map(
        (Name) => sim.records.put('Account', { Name, [KEY_FIELD]: 'conf-twin-1' }).Id,
      )
      const error = await rejection(estate.write('conf-twin-1', { idempotencyKey: 't1' }))
      expect(error).toBeInstanceOf(SalesforceMultipleMatchesError)
      expect(error).toMatchObject({ type: 'validation', status: 300, code: 'MULTIPLE_CHOICES' })
      expect([...(error as SalesforceMultipleMatchesError).matchingIds].sort()).toEqual(
        [...ids].sort(),
      )
    },
  },
  {
    row: 10,
    name: 'upsert answers 201 then 200 for the same key, with the same id',
    async run(estate) {
      const { client } = sf(estate)
      const first = await client.upsertAccount('conf-upsert-1', { Name: 'First' })
      const again = await client.upsertAccount('conf-upsert-1', { Name: 'Renamed' })
      expect(first.created).toBe(true)
      expect(again).toEqual({ id: first.id, created: false })
    },
  },
  {
    row: 12,
    name: 'an update with a stale If-Unmodified-Since is a conflict and changes nothing',
    async run(estate) {
      const { sim, client } = sf(estate)
      const { id } = await client.upsertAccount('conf-412-1', { Name: 'Read by the hub' })
      const readAt = String(sim.records.get('Account', id)?.LastModifiedDate)
      sim.clock.advance(2_000)
      sim.records.put('Account', { Id: id, Name: 'Edited by a user' })
      const error = await rejection(
        client.updateRecord('Account', id, { Name: 'Hub' }, { ifUnmodifiedSince: readAt }),
      )
      expect(error).toMatchObject({ type: 'conflict', status: 412 })
      expect(sim.records.get('Account', id)?.Name).toBe('Edited by a user')
    },
  },
  {
    row: 13,
    name: 'a composite with one bad subrequest: one validation outcome, the others applied',
    async run(estate) {
      const { client } = sf(estate)
      const outcomes = await client.composite([
        {
          method: 'PATCH',
          url: `sobjects/Account/${KEY_FIELD}/conf-comp-1`,
          referenceId: 'a',
          body: { Name: 'A' },
        },
        {
          method: 'PATCH',
          url: `sobjects/Account/${KEY_FIELD}/conf-comp-2`,
          referenceId: 'b',
          body: { Phone: '1' },
        },
        {
          method: 'PATCH',
          url: `sobjects/Account/${KEY_FIELD}/conf-comp-3`,
          referenceId: 'c',
          body: { Name: 'C' },
        },
      ])
      expect(outcomes.map((o) => (o.ok ? o.status : o.error.type))).toEqual([
        201,
        'validation',
        201,
      ])
      expect(
        ['conf-comp-1', 'conf-comp-2', 'conf-comp-3'].map((k) => estate.countAtTarget(k)),
      ).toEqual([1, 0, 1])
    },
  },
  {
    row: 14,
    name: 'a validation rule and a duplicate unique value are validation errors with their codes',
    async run(estate) {
      const { sim, client } = sf(estate)
      await client.upsertAccount('conf-uniq-1', { Name: 'One', ERP_Customer_Id__c: 'ERP-1' })
      const duplicate = await rejection(
        client.upsertAccount('conf-uniq-2', { Name: 'Two', ERP_Customer_Id__c: 'ERP-1' }),
      )
      expect(duplicate).toMatchObject({ type: 'validation', code: 'DUPLICATE_VALUE' })
      sim.schema.addValidationRule({
        name: 'Phone_Required',
        sobject: 'Account',
        field: 'Phone',
        condition: 'blank',
        message: 'A phone number is required',
      })
      const ruled = await rejection(estate.write('conf-rule-1', { idempotencyKey: 'r1' }))
      expect(ruled).toMatchObject({
        type: 'validation',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      })
    },
  },
  {
    row: 15,
    name: 'gap and overflow events map to reconcile requests, not customers',
    async run(estate) {
      const { sim } = sf(estate)
      const { id } = await estate.write('conf-gap-1', { idempotencyKey: 'g1' })
      sim.cdc.gap({ entity: 'Account', changeType: 'GAP_UPDATE', recordIds: [id] })
      sim.cdc.overflow('Account')
      const [, gap, overflow] = accountEvents(sim)
      expect(gap).toMatchObject({ kind: 'reconcile', recordIds: [id], allRecords: false })
      expect(overflow).toMatchObject({ kind: 'reconcile', recordIds: [], allRecords: true })
    },
  },
  {
    row: 16,
    name: 'a write that commits but answers after the deadline is unknown_outcome and found by the read',
    async run(estate) {
      const { sim, config } = sf(estate)
      const impatient = new SalesforceClient({ ...config, requestTimeoutMs: 300 })
      await impatient.getLimits()
      await scenario(sim, { sequence: ['timeout'], timeout: { delayMs: 1_500, commit: true } })
      const error = await rejection(impatient.upsertAccount('conf-slow-1', { Name: 'Slow' }))
      expect(error.type).toBe('unknown_outcome')
      expect(await estate.lookup('conf-slow-1')).not.toBeNull()
    },
  },
  {
    row: 17,
    name: 'a new required field and a removed picklist value are validation errors naming the field',
    async run(estate) {
      const { sim, client } = sf(estate)
      sim.schema.deactivatePicklistValue('Account', 'Customer_Tier__c', 'Gold')
      const picklist = await rejection(
        client.upsertAccount('conf-drift-1', { Name: 'Tiered', Customer_Tier__c: 'Gold' }),
      )
      expect(picklist).toMatchObject({ type: 'validation', path: 'Customer_Tier__c' })
      sim.schema.addField('Account', {
        name: 'Region__c',
        type: 'string',
        length: 40,
        required: true,
      })
      const required = await rejection(estate.write('conf-drift-2', { idempotencyKey: 'd2' }))
      expect(required).toMatchObject({ type: 'validation', code: 'REQUIRED_FIELD_MISSING' })
    },
  },
  {
    row: 18,
    name: '503 SERVER_UNAVAILABLE is retryable and writes nothing',
    async run(estate) {
      await estate.authenticatedRead()
      await scenario(sf(estate).sim, { sequence: ['http5xx'], statuses: [503] })
      const error = await rejection(estate.write('conf-503-1', { idempotencyKey: 'u1' }))
      expect(error).toMatchObject({ type: 'retryable', status: 503, code: 'SERVER_UNAVAILABLE' })
      expect(estate.countAtTarget('conf-503-1')).toBe(0)
    },
  },
]
