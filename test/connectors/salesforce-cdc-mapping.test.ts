/** @module test/connectors/salesforce-cdc-mapping.test — Account change events, as the simulator publishes them, mapped to canonical Customers or to reconcile requests. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Customer } from '../../src/canonical/customer-schema.ts'
import { SalesforceClient } from '../../src/connectors/salesforce/salesforce-client.ts'
import {
  mapAccountChangeEvent,
  parseAccountChangeEvent,
} from '../../src/connectors/salesforce/salesforce-cdc-mapping.ts'
import type { AccountChangeMapping } from '../../src/connectors/salesforce/salesforce-cdc-mapping.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { salesforceConfigFor, salesforceFixture } from './conformance/salesforce-subject.ts'

const sim = createSalesforceSimulator({ seed: 8 })
let client: SalesforceClient

beforeAll(async () => {
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => {
  sim.reset()
  client = new SalesforceClient(salesforceConfigFor(sim))
})

/** Every retained Account event, pulled over HTTP as a subscriber would receive it, mapped. */
async function mapped(): Promise<AccountChangeMapping[]> {
  const response = await fetch(
    `${sim.scenarioUrl}/cdc/events?channel=${encodeURIComponent('/data/AccountChangeEvent')}&replayId=-2`,
  )
  const body = Buffer.from(await response.arrayBuffer())
  const { events } = JSON.parse(body.toString('utf8')) as { events: unknown[] }
  return events.map((e) =>
    parseAccountChangeEvent(JSON.stringify(e), { clientName: 'SynclineHub' }),
  )
}

describe('Account change events from the org', () => {
  it('CREATE by the hub: a full Customer, flagged as the hub’s own echo, versioned by the commit instant', async () => {
    const { id } = await client.upsertAccount('CDC-1', {
      Name: 'Zoë Ærøskøbing',
      Phone: '+45 62 52 13 00',
      BillingStreet: 'Vestergade 12\n2. sal',
      BillingCity: 'Ærøskøbing',
      BillingPostalCode: '5970',
      BillingCountry: 'DK',
    })
    const [event] = await mapped()
    if (event?.kind !== 'customers') throw new Error(`expected customers, got ${event?.kind}`)
    expect(event.change).toMatchObject({ changeType: 'CREATE', recordIds: [id], ownEcho: true })
    expect(event.change.eventUuid).toMatch(/^[0-9a-f-]{36}$/)
    expect(event.customers).toEqual([
      {
        kind: 'customer',
        schemaVersion: 1,
        source: {
          system: 'salesforce',
          id,
          version: new Date(event.change.commitTimestamp).toISOString(),
        },
        companyName: 'Zoë Ærøskøbing',
        phone: '+45 62 52 13 00',
        defaultAddress: {
          line1: 'Vestergade 12',
          line2: '2. sal',
          city: 'Ærøskøbing',
          postalCode: '5970',
          countryCode: 'DK',
        },
      },
    ])
  })

  it('UPDATE by a user in the UI: only the changed fields, with changedFields and nulledFields beside them', async () => {
    const { id } = await client.upsertAccount('CDC-2', {
      Name: 'Before',
      Phone: '1',
      BillingCity: 'Oslo',
    })
    sim.clock.advance(1_000)
    sim.records.put('Account', { Id: id, Phone: null, BillingCity: 'Bergen' })
    const [, update] = await mapped()
    if (update?.kind !== 'customers') throw new Error(`expected customers, got ${update?.kind}`)
    expect(update.change).toMatchObject({
      changeType: 'UPDATE',
      changeOrigin: '',
      ownEcho: false,
      nulledFields: ['Phone'],
    })
    expect(update.change.changedFields).toEqual(
      expect.arrayContaining(['Phone', 'BillingAddress.City', 'LastModifiedDate']),
    )
    expect(update.customers[0]).toEqual({
      kind: 'customer',
      schemaVersion: 1,
      source: {
        system: 'salesforce',
        id,
        version: new Date(update.change.commitTimestamp).toISOString(),
      },
      defaultAddress: { city: 'Bergen' },
    })
  })

  it('a merged mass update yields one Customer per record id; DELETE yields the ids', async () => {
    const ids = sim.records.seed('Account', [{ Name: 'M1' }, { Name: 'M2' }], { events: false })
    sim.records.seed(
      'Account',
      ids.map((Id) => ({ Id, Phone: '555' })),
    )
    sim.records.remove('Account', ids[0] ?? '')
    const [merged, deleted] = await mapped()
    if (merged?.kind !== 'customers') throw new Error(`expected customers, got ${merged?.kind}`)
    expect(merged.customers.map((c) => [c.source.id, c.phone])).toEqual(
      ids.map((id) => [id, '555']),
    )
    expect(deleted).toMatchObject({ kind: 'deleted', recordIds: [ids[0]] })
  })

  it('no-op and system-only updates are ignored; UNDELETE is a full Customer again', async () => {
    const { id } = await client.upsertAccount('CDC-3', { Name: 'Same' })
    await client.upsertAccount('CDC-3', { Name: 'Same' })
    sim.records.touch('Account', id)
    sim.records.remove('Account', id)
    sim.records.undelete('Account', id)
    const kinds = (await mapped()).map((m) =>
      m.kind === 'ignored' ? `ignored:${m.reason}` : m.kind,
    )
    expect(kinds).toEqual([
      'customers',
      'ignored:no field the Customer holds changed (changedFields: LastModifiedDate)',
      'ignored:no field the Customer holds changed (changedFields: SystemModstamp)',
      'deleted',
      'customers',
    ])
  })

  it('GAP_* events ask to reconcile their ids, GAP_OVERFLOW and wildcards every Account', async () => {
    const { id } = await client.upsertAccount('CDC-4', { Name: 'Gap' })
    sim.cdc.gap({ entity: 'Account', changeType: 'GAP_CREATE', recordIds: [id] })
    sim.cdc.gap({ entity: 'Account', changeType: 'GAP_UPDATE', recordIds: ['001*'] })
    sim.cdc.overflow('Account')
    const [, gap, wildcard, overflow] = await mapped()
    expect(gap).toMatchObject({ kind: 'reconcile', recordIds: [id], allRecords: false })
    expect(gap?.kind === 'reconcile' && gap.reason).toContain('GAP_CREATE')
    expect(wildcard).toMatchObject({ kind: 'reconcile', recordIds: [], allRecords: true })
    expect(overflow).toMatchObject({
      kind: 'reconcile',
      allRecords: true,
      change: { changeType: 'GAP_OVERFLOW' },
    })
  })
})

describe('mapAccountChangeEvent on recorded payloads', () => {
  it('reads the CometD message shape and keeps the delivery ids', () => {
    const mapped = parseAccountChangeEvent(salesforceFixture('account-cdc-create.payload.json'))
    expect(mapped.change).toMatchObject({
      eventUuid: 'a4c6e2f0-8d0b-4a53-9f4e-3b1d2c5e7a90',
      replayId: '17',
      commitNumber: '10716283339741',
      transactionKey: '00029c4a-7c8d-7b5e-0b2f-9e1d6a3f4c21',
      ownEcho: false,
    })
    if (mapped.kind !== 'customers') throw new Error(mapped.kind)
    expect(Customer.parse(mapped.customers[0])).toEqual(mapped.customers[0])
  })

  it('an echo is recognised only by this hub’s client name', () => {
    const bytes = salesforceFixture('account-cdc-update-name-only.payload.json')
    expect(parseAccountChangeEvent(bytes, { clientName: 'SynclineHub' }).change.ownEcho).toBe(true)
    expect(parseAccountChangeEvent(bytes, { clientName: 'OtherHub' }).change.ownEcho).toBe(false)
  })

  it('refuses what is not an Account change event, as validation', () => {
    const header = {
      entityName: 'Account',
      recordIds: ['001'],
      changeType: 'UPDATE',
      commitTimestamp: 1,
    }
    const cases: unknown[] = [
      [],
      { Name: 'no header' },
      { ChangeEventHeader: { ...header, entityName: 'Contact' } },
      { ChangeEventHeader: { ...header, changeType: 'MERGE' } },
      { ChangeEventHeader: { ...header, recordIds: [] } },
      { ChangeEventHeader: { ...header, commitTimestamp: '2026-01-01' } },
    ]
    for (const event of cases) {
      const error = (() => {
        try {
          mapAccountChangeEvent(event)
        } catch (e) {
          return e
        }
        throw new Error(`mapped ${JSON.stringify(event)}`)
      })()
      expect(HubError.is(error) && error.code).toBe('INVALID_CHANGE_EVENT')
    }
  })

  it('drops an invalid PersonEmail rather than failing the Customer', () => {
    const event = {
      ChangeEventHeader: {
        entityName: 'Account',
        recordIds: ['0015g00000AbCdEAAV'],
        changeType: 'CREATE',
        commitTimestamp: Date.parse('2026-01-01T00:00:00Z'),
      },
      Name: { FirstName: 'Zoë', LastName: 'Ærøskøbing' },
      PersonEmail: 'not an email',
    }
    const mapped = mapAccountChangeEvent(event)
    expect(mapped.kind === 'customers' && mapped.customers[0]).toEqual({
      kind: 'customer',
      schemaVersion: 1,
      source: {
        system: 'salesforce',
        id: '0015g00000AbCdEAAV',
        version: '2026-01-01T00:00:00.000Z',
      },
      firstName: 'Zoë',
      lastName: 'Ærøskøbing',
    })
  })
})
