/** @module test/sandbox/salesforce-sobjects.test — sObject rows over real HTTP: create, read, update, delete, upsert by external id, conditional requests, record rules and schema drift. */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { idChecksum } from '../../src/sandbox/salesforce/salesforce-ids.ts'
import { createSalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'
import { DATA, salesforceClient, sfErrorOf, simCall } from './salesforce-test-kit.ts'
import type { SalesforceClient } from './salesforce-test-kit.ts'

let sim: SalesforceSimulator
let sf: SalesforceClient

beforeAll(async () => {
  sim = createSalesforceSimulator({ seed: 5 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(async () => {
  sim.reset()
  sf = await salesforceClient(sim)
})

const S = `${DATA}/sobjects`
const create = async (type: string, body: unknown): Promise<string> => {
  const response = await sf.call('POST', `${S}/${type}`, body)
  if (response.status !== 201) {
    throw new Error(`create: ${response.status} ${await response.text()}`)
  }
  return ((await response.json()) as { id: string }).id
}
const read = async (type: string, id: string) =>
  (await (await sf.call('GET', `${S}/${type}/${id}`)).json()) as Record<string, unknown>
const effect = (key: string) => sim.ledger().effects.find((e) => e.businessKey === key)

describe('create and read', () => {
  it('creates with 201 {id, success, errors} and an 18-character id with the key prefix', async () => {
    const response = await sf.call('POST', `${S}/Account`, { Name: 'Acme', External_Id__c: 'A-1' })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { id: string }
    expect(body).toEqual({ id: expect.any(String), success: true, errors: [] })
    expect(body.id).toMatch(/^001[A-Za-z0-9]{15}$/)
    expect(body.id.slice(15)).toBe(idChecksum(body.id.slice(0, 15)))
    expect(response.headers.get('location')).toBe(`${S}/Account/${body.id}`)
    const contactId = await create('Contact', { LastName: 'Doe', AccountId: body.id })
    expect(contactId).toMatch(/^003[A-Za-z0-9]{15}$/)
    expect(effect('A-1')).toMatchObject({ creates: 1, writes: 1 })
  })

  it('reads a row with attributes, every field, audit fields and a 15-character id too', async () => {
    const before = sim.clock.now()
    const id = await create('Account', {
      Name: 'Acme',
      BillingCity: 'Lyon',
      NumberOfEmployees: '12',
    })
    for (const ref of [id, id.slice(0, 15)]) {
      const row = await read('Account', ref)
      expect(row).toMatchObject({
        attributes: { type: 'Account', url: `${S}/Account/${id}` },
        Id: id,
        IsDeleted: false,
        Name: 'Acme',
        NumberOfEmployees: 12,
        Phone: null,
        BillingAddress: expect.objectContaining({ city: 'Lyon', street: null }),
        OwnerId: expect.stringMatching(/^005/),
      })
      expect(row.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/)
      expect(Date.parse(String(row.SystemModstamp).replace('+0000', 'Z'))).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000,
      )
    }
    const only = await sf.call('GET', `${S}/Account/${id}?fields=Name,BillingCity`)
    expect(Object.keys((await only.json()) as object)).toEqual([
      'attributes',
      'Id',
      'Name',
      'BillingCity',
    ])
    const missing = await sf.call('GET', `${S}/Account/001000000000000AAA`)
    expect(missing.status).toBe(404)
    expect(await sfErrorOf(missing)).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'The requested resource does not exist',
    })
  })

  it('updates with 204 and moves LastModifiedDate; deletes to the recycle bin with its Contacts', async () => {
    const id = await create('Account', { Name: 'Acme', External_Id__c: 'A-2' })
    const contactId = await create('Contact', { LastName: 'Doe', AccountId: id })
    sim.clock.advance(5000)
    const patch = await sf.call('PATCH', `${S}/Account/${id}`, { Phone: '+33 1 23' })
    expect(patch.status).toBe(204)
    expect(await patch.text()).toBe('')
    const row = await read('Account', id)
    expect(row.Phone).toBe('+33 1 23')
    expect(row.LastModifiedDate).not.toBe(row.CreatedDate)
    expect((await sf.call('DELETE', `${S}/Account/${id}`)).status).toBe(204)
    const gone = await sf.call('GET', `${S}/Account/${id}`)
    expect(gone.status).toBe(404)
    expect((await sfErrorOf(gone)).errorCode).toBe('ENTITY_IS_DELETED')
    expect(sim.records.get('Contact', contactId)).toMatchObject({ IsDeleted: true })
    expect(effect('A-2')).toMatchObject({ creates: 1, updates: 1, deletes: 1 })
  })
})

describe('upsert by external id', () => {
  it('answers 201 created, then 200 {created:false}, for the same external id', async () => {
    const first = await sf.call('PATCH', `${S}/Account/External_Id__c/E-1`, { Name: 'One' })
    expect(first.status).toBe(201)
    const created = (await first.json()) as { id: string }
    expect(created).toEqual({ id: expect.any(String), success: true, errors: [], created: true })
    const second = await sf.call('PATCH', `${S}/Account/external_id__c/E-1`, { Name: 'Two' })
    expect(second.status).toBe(200)
    expect(await second.json()).toEqual({
      id: created.id,
      success: true,
      errors: [],
      created: false,
    })
    expect(sim.records.list('Account')).toEqual([
      expect.objectContaining({ Name: 'Two', External_Id__c: 'E-1' }),
    ])
    expect(effect('E-1')).toMatchObject({ creates: 1, updates: 1 })
    const byExt = await sf.call('GET', `${S}/Account/External_Id__c/E-1`)
    expect(((await byExt.json()) as { Id: string }).Id).toBe(created.id)
  })

  it('answers 300 with the matching URLs when the external id is not unique', async () => {
    const ids = sim.records.seed('Account', [
      { Name: 'Dup A', External_Id__c: 'DUP' },
      { Name: 'Dup B', External_Id__c: 'DUP' },
    ])
    const response = await sf.call('PATCH', `${S}/Account/External_Id__c/DUP`, { Name: 'Which?' })
    expect(response.status).toBe(300)
    expect(await response.json()).toEqual(ids.map((id) => `${S}/Account/${id}`))
    expect(sim.records.list('Account').map((r) => r.Name)).toEqual(['Dup A', 'Dup B'])
    expect(sim.ledger().totals.writes).toBe(0)
  })

  it('answers 404 for a field that is not an external id, and for updateOnly without a match', async () => {
    const notExt = await sf.call('PATCH', `${S}/Account/Name/Acme`, { Phone: '1' })
    expect(notExt.status).toBe(404)
    expect(await sfErrorOf(notExt)).toEqual({
      errorCode: 'NOT_FOUND',
      message: 'Provided external ID field does not exist or is not accessible: Name',
    })
    const updateOnly = await sf.call('PATCH', `${S}/Account/External_Id__c/NEW?updateOnly=true`, {
      Name: 'X',
    })
    expect(updateOnly.status).toBe(404)
    expect(sim.records.list('Account')).toEqual([])
  })

  it('refuses a duplicate value on a unique external id with DUPLICATE_VALUE', async () => {
    const first = await create('Account', { Name: 'A', ERP_Customer_Id__c: 'C-10042' })
    const second = await sf.call('POST', `${S}/Account`, {
      Name: 'B',
      ERP_Customer_Id__c: 'c-10042',
    })
    expect(second.status).toBe(400)
    expect(await sfErrorOf(second)).toEqual({
      errorCode: 'DUPLICATE_VALUE',
      message: `duplicate value found: ERP_Customer_Id__c duplicates value on record with id: ${first}`,
      fields: [],
    })
    const upsert = await sf.call('PATCH', `${S}/Account/ERP_Customer_Id__c/C-10042`, { Name: 'A2' })
    expect(upsert.status).toBe(200)
  })
})

describe('record rules', () => {
  it.each([
    [
      'a missing required field',
      'Contact',
      { FirstName: 'No' },
      'REQUIRED_FIELD_MISSING',
      ['LastName'],
    ],
    ['an unknown field', 'Account', { Name: 'X', Foo__c: 1 }, 'INVALID_FIELD', undefined],
    [
      'a read-only field',
      'Account',
      { Name: 'X', CreatedDate: '2020-01-01T00:00:00Z' },
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      ['CreatedDate'],
    ],
    [
      'a value too long',
      'Account',
      { Name: 'X', BillingCity: 'x'.repeat(41) },
      'STRING_TOO_LONG',
      ['BillingCity'],
    ],
    [
      'a bad email',
      'Contact',
      { LastName: 'X', Email: 'not-an-email' },
      'INVALID_EMAIL_ADDRESS',
      ['Email'],
    ],
    [
      'a bad restricted picklist value',
      'Account',
      { Name: 'X', Customer_Tier__c: 'Platinum' },
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      ['Customer_Tier__c'],
    ],
    [
      'a malformed reference',
      'Contact',
      { LastName: 'X', AccountId: 'nope' },
      'MALFORMED_ID',
      ['AccountId'],
    ],
    [
      'a number field given text',
      'Account',
      { Name: 'X', AnnualRevenue: 'lots' },
      'JSON_PARSER_ERROR',
      undefined,
    ],
  ])('refuses %s with 400 and the field named', async (_name, type, body, code, fields) => {
    const response = await sf.call('POST', `${S}/${type}`, body)
    expect(response.status).toBe(400)
    const error = await sfErrorOf(response)
    expect(error.errorCode).toBe(code)
    expect(error.fields).toEqual(fields)
    expect(sim.records.list(type as 'Account' | 'Contact')).toEqual([])
  })

  it('accepts any value in an unrestricted standard picklist, as a real org does', async () => {
    const id = await create('Account', { Name: 'X', Industry: 'Space Mining' })
    expect((await read('Account', id)).Industry).toBe('Space Mining')
  })

  it('applies a validation rule set through /__sim: FIELD_CUSTOM_VALIDATION_EXCEPTION', async () => {
    const rule = await simCall(sim, 'POST', '/validation-rules', {
      name: 'Phone_Required_For_Customers',
      sobject: 'Account',
      field: 'Phone',
      condition: 'blank',
      message: 'Customers need a phone number',
      errorDisplayField: true,
    })
    expect(rule.status).toBe(201)
    const refused = await sf.call('POST', `${S}/Account`, { Name: 'No phone' })
    expect(refused.status).toBe(400)
    expect(await sfErrorOf(refused)).toEqual({
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Customers need a phone number',
      fields: ['Phone'],
    })
    expect((await sf.call('POST', `${S}/Account`, { Name: 'Phone', Phone: '1' })).status).toBe(201)
  })
})

describe('conditional requests', () => {
  it('answers 412 to If-Unmodified-Since when the row changed after it, and applies nothing', async () => {
    const id = await create('Account', { Name: 'Acme', External_Id__c: 'C-1' })
    const readAt = new Date(sim.clock.now()).toUTCString()
    sim.clock.advance(3000)
    sim.records.put('Account', { Id: id, Phone: 'edited in the UI' })
    const stale = await sf.call(
      'PATCH',
      `${S}/Account/${id}`,
      { Phone: 'from the hub' },
      { 'If-Unmodified-Since': readAt },
    )
    expect(stale.status).toBe(412)
    expect((await sfErrorOf(stale)).errorCode).toBe('PRECONDITION_FAILED')
    expect((await read('Account', id)).Phone).toBe('edited in the UI')
    const upsert = await sf.call(
      'PATCH',
      `${S}/Account/External_Id__c/C-1`,
      { Phone: 'x' },
      { 'If-Unmodified-Since': readAt },
    )
    expect(upsert.status).toBe(412)
    const fresh = new Date(sim.clock.now()).toUTCString()
    const ok = await sf.call(
      'PATCH',
      `${S}/Account/${id}`,
      { Phone: 'from the hub' },
      { 'If-Unmodified-Since': fresh },
    )
    expect(ok.status).toBe(204)
    expect(effect('C-1')).toMatchObject({ creates: 1, updates: 1 })
  })

  it('answers 304 to If-Modified-Since when nothing changed since', async () => {
    const id = await create('Account', { Name: 'Acme' })
    sim.clock.advance(2000)
    const since = new Date(sim.clock.now()).toUTCString()
    const unchanged = await sf.call('GET', `${S}/Account/${id}`, undefined, {
      'If-Modified-Since': since,
    })
    expect(unchanged.status).toBe(304)
    sim.clock.advance(2000)
    await sf.call('PATCH', `${S}/Account/${id}`, { Phone: '2' })
    const changed = await sf.call('GET', `${S}/Account/${id}`, undefined, {
      'If-Modified-Since': since,
    })
    expect(changed.status).toBe(200)
  })
})

describe('describe and schema drift', () => {
  it('describes external ids, and shows a new required field and a deactivated picklist value', async () => {
    const describe = async () =>
      (await (await sf.call('GET', `${S}/Account/describe`)).json()) as {
        keyPrefix: string
        fields: {
          name: string
          externalId: boolean
          nillable: boolean
          picklistValues: { value: string }[]
        }[]
      }
    const before = await describe()
    expect(before.keyPrefix).toBe('001')
    expect(before.fields.filter((f) => f.externalId).map((f) => f.name)).toEqual([
      'External_Id__c',
      'ERP_Customer_Id__c',
    ])

    const added = await simCall(sim, 'POST', '/schema/Account/fields', {
      name: 'Region__c',
      type: 'string',
      length: 20,
      required: true,
    })
    expect(added.status).toBe(201)
    expect(
      await simCall(
        sim,
        'DELETE',
        '/schema/Account/fields/Customer_Tier__c/picklist-values/Bronze',
      ),
    ).toHaveProperty('status', 204)
    const after = await describe()
    expect(after.fields.find((f) => f.name === 'Region__c')).toMatchObject({ nillable: false })
    expect(
      after.fields.find((f) => f.name === 'Customer_Tier__c')?.picklistValues.map((v) => v.value),
    ).toEqual(['Gold', 'Silver'])
    const missing = await sf.call('POST', `${S}/Account`, { Name: 'Old payload' })
    expect(await sfErrorOf(missing)).toMatchObject({
      errorCode: 'REQUIRED_FIELD_MISSING',
      fields: ['Region__c'],
    })
    const removed = await sf.call('POST', `${S}/Account`, {
      Name: 'X',
      Region__c: 'EU',
      Customer_Tier__c: 'Bronze',
    })
    expect((await sfErrorOf(removed)).errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST')
    expect((await sf.call('POST', `${S}/Account`, { Name: 'X', Region__c: 'EU' })).status).toBe(201)
  })
})

describe('scenario API for rows and the clock', () => {
  it('saves, refuses, deletes and restores rows as a UI user would, over HTTP', async () => {
    const saved = await simCall(sim, 'POST', '/records/account', { Name: 'From the UI' })
    expect(saved.status).toBe(201)
    const row = (await saved.json()) as { Id: string; Name: string }
    expect(row).toMatchObject({ Name: 'From the UI', attributes: { type: 'Account' } })
    const refused = await simCall(sim, 'POST', '/records/Contact', { FirstName: 'No last name' })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual([
      expect.objectContaining({ errorCode: 'REQUIRED_FIELD_MISSING' }),
    ])
    const seeded = await simCall(sim, 'POST', '/records/Contact?events=false', [
      { LastName: 'A', AccountId: row.Id },
      { LastName: 'B', AccountId: row.Id },
    ])
    expect(((await seeded.json()) as { ids: string[] }).ids).toHaveLength(2)
    expect((await simCall(sim, 'DELETE', `/records/Account/${row.Id}`)).status).toBe(204)
    const deleted = await simCall(sim, 'GET', '/records/Contact?deleted=true')
    const contacts = ((await deleted.json()) as { records: { IsDeleted: boolean }[] }).records
    expect(contacts.map((c) => c.IsDeleted)).toEqual([true, true])
    expect((await simCall(sim, 'POST', `/records/Account/${row.Id}/undelete`)).status).toBe(200)
    expect(sim.records.list('Contact')).toHaveLength(2)
    expect((await simCall(sim, 'GET', '/records/Lead')).status).toBe(404)
    // UI edits are not API effects.
    expect(sim.ledger().totals.writes).toBe(0)
  })

  it('moves the org clock forward and reports it', async () => {
    const before = sim.clock.now()
    const moved = await simCall(sim, 'POST', '/clock', { advanceMs: 3_600_000 })
    const body = (await moved.json()) as { now: string; offsetMs: number }
    expect(body.offsetMs).toBe(3_600_000)
    expect(Date.parse(body.now)).toBeGreaterThanOrEqual(before + 3_600_000)
    expect((await simCall(sim, 'POST', '/clock', { advanceMs: 'soon' })).status).toBe(400)
  })
})
