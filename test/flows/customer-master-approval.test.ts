// The customer master's approvals on the Salesforce and NetSuite simulators over HTTP, a real store and engine: a new Account waits for approval (one task, however often it is edited meanwhile) and is created once approved; an ERP-owned field edited in the CRM becomes a proposal, never a write by itself: an approval task (rejected: nothing written; approved: one write to the owner) or, per policy, a refusal in the audit log.
import { expect, it } from 'vitest'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { approver, customerMasterEstate } from './customer-master-kit.ts'

const pgUrl = await postgresForTests('customer master approvals')
const { sf, netsuite, freshHub, onboard } = customerMasterEstate(21)

describeOnStores('customer master approvals', pgUrl, (bench) => {
  it('opens an approval task for a new Account and creates the ERP customer once it is approved', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const before = hub.mark()
    const account = sf.records.put('Account', { Name: 'Acme Tools', Phone: '+1 555 0100' })
    await hub.pumpAfter(1)

    const [task] = await b.store.approvalList({ tenantId: b.tenantId, limit: 5 })
    expect(task).toMatchObject({
      state: 'open',
      assignee: 'customer-master-stewards',
      subject: { accountId: account.Id, values: { name: 'Acme Tools', phone: '+1 555 0100' } },
    })
    expect(hub.writesSince(before).netsuite).toEqual([])

    await hub.engine.decideApproval({
      taskId: task?.id ?? '',
      decision: 'approved',
      reason: null,
      by: 'steward@example.com',
      audit: approver,
    })
    await hub.pump()
    const key = hub.deps.erp.customerKey(String(account.Id))
    expect(hub.writesSince(before)).toEqual({
      netsuite: [`PUT /services/rest/record/v1/customer/eid:${key}`],
      salesforce: [],
    })
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields).toMatchObject({
      companyName: 'Acme Tools',
      phone: '+1 555 0100',
    })
  })

  it('keeps one approval task for a new Account edited while it waits, and creates it as it is then', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const before = hub.mark()
    const account = sf.records.put('Account', { Name: 'Wayne Enterprises', Phone: '+1 555 0100' })
    const accountId = String(account.Id)
    await hub.pumpAfter(1)
    sf.records.put('Account', { Id: accountId, Phone: '+1 555 0777' })
    await hub.pumpAfter(1)

    const open = await b.store.approvalList({ tenantId: b.tenantId, state: 'open', limit: 5 })
    expect(open).toHaveLength(1)
    expect((await hub.runs()).map((r) => r.output)).toContainEqual({
      pendingApproval: open[0]?.id,
      accountId,
    })
    await hub.engine.decideApproval({
      taskId: open[0]?.id ?? '',
      decision: 'approved',
      reason: null,
      by: 'steward@example.com',
      audit: approver,
    })
    await hub.pump()
    const key = hub.deps.erp.customerKey(accountId)
    expect(hub.writesSince(before).netsuite).toEqual([
      `PUT /services/rest/record/v1/customer/eid:${key}`,
    ])
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields).toMatchObject({
      companyName: 'Wayne Enterprises',
      phone: '+1 555 0777',
    })
  })

  it('turns a CRM edit of the ERP-owned credit limit into an approval task, never a write', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const { accountId } = await onboard(hub, b, 'Initech')

    const before = hub.mark()
    sf.records.put('Account', { Id: accountId, Credit_Limit__c: 99000 })
    await hub.pumpAfter(1)
    const [task] = await b.store.approvalList({ tenantId: b.tenantId, state: 'open', limit: 5 })
    expect(task).toMatchObject({
      subject: {
        accountId,
        from: 'crm',
        fields: ['creditLimit'],
        owners: { creditLimit: 'erp' },
        values: { creditLimit: 99000 },
      },
    })
    expect(task?.title).toContain('owned by erp')
    await hub.engine.decideApproval({
      taskId: task?.id ?? '',
      decision: 'rejected',
      reason: 'credit is set by finance',
      by: 'controller@example.com',
      audit: approver,
    })
    await hub.pump()
    expect(hub.writesSince(before)).toEqual({ netsuite: [], salesforce: [] })
    const runs = await hub.runs()
    expect(runs.map((r) => r.output)).toContainEqual({
      accountId,
      erpKey: hub.deps.erp.customerKey(accountId),
      proposal: { fields: ['creditLimit'], outcome: 'rejected' },
    })
  })

  it('writes an approved proposal to the owner once, and nothing comes back', async () => {
    const b = bench()
    const hub = await freshHub(b)
    const { accountId, key } = await onboard(hub, b, 'Soylent')

    const before = hub.mark()
    sf.records.put('Account', { Id: accountId, Credit_Limit__c: 25000 })
    await hub.pumpAfter(1)
    expect(hub.writesSince(before).netsuite).toEqual([])
    const [task] = await b.store.approvalList({ tenantId: b.tenantId, state: 'open', limit: 5 })
    await hub.engine.decideApproval({
      taskId: task?.id ?? '',
      decision: 'approved',
      reason: 'agreed with finance',
      by: 'controller@example.com',
      audit: approver,
    })
    await hub.pump()
    await hub.erpNotifies(key)
    expect(hub.writesSince(before)).toEqual({
      netsuite: [`PUT /services/rest/record/v1/customer/eid:${key}`],
      salesforce: [],
    })
    expect(netsuite.records.get('customer', `eid:${key}`)?.fields.creditLimit).toBe(25000)
    expect((await hub.runs()).map((r) => r.output)).toContainEqual({
      dropped: 'echo',
      by: 'watermark',
      accountId,
    })
  })

  it('refuses and audits an ERP-owned field edited in the CRM when the policy says reject', async () => {
    const b = bench()
    const hub = await freshHub(b, { customerMaster: { nonOwnerChange: 'reject' } })
    const { accountId } = await onboard(hub, b, 'Umbrella')

    const before = hub.mark()
    sf.records.put('Account', { Id: accountId, Payment_Terms__c: 'Net 90', Phone: '+1 555 0142' })
    await hub.pumpAfter(1)
    // The CRM-owned phone is applied; the ERP-owned terms are refused, and no task is opened.
    expect(hub.writesSince(before).netsuite).toHaveLength(1)
    expect(
      netsuite.records.get('customer', `eid:${hub.deps.erp.customerKey(accountId)}`)?.fields,
    ).not.toHaveProperty('terms')
    expect(await b.store.approvalList({ tenantId: b.tenantId, state: 'open', limit: 5 })).toEqual(
      [],
    )
    const audit = await b.store.auditList({ tenantId: b.tenantId, limit: 10 })
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'ownership.rejected',
        actor: 'flow:salesforce-account-to-erp',
        subject: expect.objectContaining({ accountId, fields: ['paymentTerms'] }),
      }),
    )
  })
})
