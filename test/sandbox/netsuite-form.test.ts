/** @module test/sandbox/netsuite-form.test — fields made mandatory on a form (schema drift): API writes refused with NetSuite's USER_ERROR, over real HTTP. */
import { describe, expect, it } from 'vitest'
import { useNetSuiteTestEstate } from './netsuite-test-estate.ts'
import { nsErrorCode } from './sandbox-test-kit.ts'
import type { NetSuiteErrorBody } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'
const estate = useNetSuiteTestEstate(31)
const { sim } = estate

const setForm = (body: unknown) =>
  fetch(`${sim.scenarioUrl}/form`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('/__sim/form', () => {
  it('refuses creates, upserts and updates that leave a mandatory field empty, naming it', async () => {
    expect((await setForm({ recordType: 'customer', mandatory: ['custentity_tier'] })).status).toBe(
      200,
    )
    const create = await estate.ns().call('POST', `${R}/customer`, { companyName: 'Acme' })
    expect(create.status).toBe(400)
    const body = (await create.clone().json()) as NetSuiteErrorBody
    expect(await nsErrorCode(create)).toBe('USER_ERROR')
    expect(body['o:errorDetails']?.[0]).toMatchObject({
      'o:errorPath': 'custentity_tier',
      detail: expect.stringContaining('Please enter value(s) for: custentity_tier.'),
    })
    const upsert = await estate.ns().call('PUT', `${R}/customer/eid:C-9`, { companyName: 'Acme' })
    expect(await nsErrorCode(upsert)).toBe('USER_ERROR')
    expect(sim.records.list('customer')).toHaveLength(0)
    expect(sim.ledger().effects).toHaveLength(0)

    const ok = await estate.ns().call('PUT', `${R}/customer/eid:C-9`, {
      companyName: 'Acme',
      custentity_tier: 'gold',
    })
    expect(ok.status).toBe(204)
    // The stored value satisfies the form: an update that does not touch it passes.
    expect(
      (await estate.ns().call('PATCH', `${R}/customer/eid:C-9`, { companyName: 'Acme Inc' }))
        .status,
    ).toBe(204)
    // Emptying it does not.
    const emptied = await estate
      .ns()
      .call('PATCH', `${R}/customer/eid:C-9`, { custentity_tier: '' })
    expect(await nsErrorCode(emptied)).toBe('USER_ERROR')
  })

  it('lists, clears on [] and on reset, and says what to fix for a bad change', async () => {
    await setForm({ recordType: 'salesOrder', mandatory: ['custbody_a', 'custbody_b'] })
    expect(await (await fetch(`${sim.scenarioUrl}/form`)).json()).toEqual({
      mandatory: { salesOrder: ['custbody_a', 'custbody_b'] },
    })
    await setForm({ recordType: 'salesOrder', mandatory: [] })
    expect(await (await fetch(`${sim.scenarioUrl}/form`)).json()).toEqual({ mandatory: {} })
    sim.requireFields('customer', ['custentity_x'])
    sim.reset()
    expect(await (await fetch(`${sim.scenarioUrl}/form`)).json()).toEqual({ mandatory: {} })

    const badType = await setForm({ recordType: 'opportunity', mandatory: ['x'] })
    expect(badType.status).toBe(400)
    expect(((await badType.json()) as { error: string }).error).toContain(
      'recordType must be one of',
    )
    const badFields = await setForm({ recordType: 'customer', mandatory: 'custentity_x' })
    expect(((await badFields.json()) as { error: string }).error).toContain('mandatory must be')
  })
})
