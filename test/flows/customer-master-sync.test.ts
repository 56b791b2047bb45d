// The customer master's writes on the Salesforce and NetSuite simulators over HTTP, a real store and engine: one CRM edit makes exactly one ERP write and no write back (its echoes dropped, by changeOrigin and by watermark); the ERP's credit limit reaches Salesforce once; a stale change event is never applied; a gap event reconciles the Account it names.
import { expect, it } from 'vitest'
import { accountChangeIngests } from '../../src/flows/customer-master/index.ts'
import { until } from '../connectors/salesforce-cdc-subscriber-kit.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { customerMasterEstate } from './customer-master-kit.ts'

const pgUrl = await postgresForTests('customer master writes')
const { sf, netsuite, freshHub, onboard } = customerMasterEstate(11)

describeOnStores('customer master writes', pgUrl, (bench) => {
  it('turns one CRM edit into exactly one ERP write and no write back, and drops the echoes', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const { accountId, key } = await onboard(hub, b, 'Globex')

    // The ERP owns credit: a finance user sets it, and it reaches Salesforce once, tagged.
    const stored = netsuite.records.get('customer', `eid:${key}`)
    netsuite.records.put('customer', {
      ...stored?.fields,
      externalId: key,
      creditLimit: 50000,
      terms: { refName: 'Net 30' },
    })
    const beforeCredit = hub.mark()
    await hub.erpNotifies(key)
    expect(hub.writesSince(beforeCredit)).toEqual({
      netsuite: [],
      salesforce: [`PATCH /services/data/v62.0/sobjects/Account/${accountId}`],
    })
    expect(sf.records.get('Account', accountId)).toMatchObject({
      Credit_Limit__c: 50000,
      Payment_Terms__c: 'Net 30',
    })
    // Its change event names the hub's client id and is dropped; nothing is written.
    await hub.pumpAfter(1)
    const echo = hub.cdc.deliveries.at(-1)
    expect(echo?.kind === 'change' && echo.mapping.change.changeOrigin).toContain(
      'client=SynclineHub',
    )
    expect(hub.writesSince(beforeCredit).netsuite).toEqual([])

    // One CRM edit of a CRM-owned field.
    const before = hub.mark()
    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0199' })
    await hub.pumpAfter(1)
    // NetSuite reports the hub's save back (its user-event script fires on every save).
    await hub.erpNotifies(key)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await hub.pump()
    expect(hub.writesSince(before)).toEqual({
      netsuite: [`PUT /services/rest/record/v1/customer/eid:${key}`],
      salesforce: [],
    })
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields).toMatchObject({
      phone: '+1 555 0199',
      creditLimit: 50000,
    })
    const outputs = (await hub.runs()).map((r) => r.output)
    expect(outputs).toEqual(
      expect.arrayContaining([
        { dropped: 'echo', by: 'changeOrigin', accountId },
        { dropped: 'echo', by: 'watermark', accountId },
      ]),
    )
  })

  it('never applies a stale change event over a newer one', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const { accountId, key } = await onboard(hub, b, 'Hooli')
    const first = hub.cdc.deliveries.length

    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0001' })
    sf.clock.advance(2_000)
    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0002' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await until(() => hub.cdc.deliveries.length >= first + 2, 'two edits')
    const [older, newer] = hub.cdc.deliveries.slice(first)
    if (older === undefined || newer === undefined) throw new Error('missing deliveries')
    // Out of order, as after a failover to a subscriber that replays from an older checkpoint.
    const before = hub.mark()
    for (const delivery of [newer, older]) {
      for (const input of accountChangeIngests(delivery, 'main')) {
        await hub.engine.ingest(input)
        while ((await hub.engine.runOnce()) > 0) {
          // Work each message before the next arrives.
        }
      }
    }
    expect(hub.writesSince(before).netsuite).toHaveLength(1)
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields.phone).toBe('+1 555 0002')
    const outputs = (await hub.runs()).map((r) => r.output)
    expect(outputs).toContainEqual({
      superseded: expect.objectContaining({ step: 'upsert-erp-customer' }),
    })
  })

  it('reads and compares the Accounts a gap event names', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const { accountId, key } = await onboard(hub, b, 'Stark Industries')

    // A change the event bus did not capture, then the gap event that says so.
    sf.records.put(
      'Account',
      { Id: accountId, Website: 'https://stark.example' },
      { events: false },
    )
    const before = hub.mark()
    sf.cdc.gap({ entity: 'Account', changeType: 'GAP_UPDATE', recordIds: [accountId] })
    await hub.pumpAfter(1)
    expect(hub.writesSince(before)).toEqual({
      netsuite: [`PUT /services/rest/record/v1/customer/eid:${key}`],
      salesforce: [],
    })
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields.url).toBe('https://stark.example')
    expect((await hub.runs()).map((r) => r.output)).toContainEqual(
      expect.objectContaining({ reconciled: 1, updated: [accountId] }),
    )
  })
})
