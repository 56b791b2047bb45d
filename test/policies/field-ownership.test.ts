/** @module test/policies/field-ownership.test — who owns a field, and what a change from each system becomes. */
import { describe, expect, it } from 'vitest'
import { parsePolicies } from '../../src/policies/consistency-policy-parse.ts'
import { decideOwnership, fieldOwner, ownedBy } from '../../src/policies/field-ownership.ts'

const policies = parsePolicies({})

describe('field ownership', () => {
  it('gives each field its group’s owner, and unlisted fields to the golden source', () => {
    expect(fieldOwner(policies, 'customerMaster', 'name')).toBe('crm')
    expect(fieldOwner(policies, 'customerMaster', 'creditLimit')).toBe('erp')
    expect(fieldOwner(policies, 'customerMaster', 'industry')).toBe('crm')
    expect(fieldOwner(policies, 'orderLifecycle', 'fulfilmentStatus')).toBe('wms')
    expect(fieldOwner(policies, 'financialPostings', 'amount')).toBe('erp')
  })

  it('applies a CRM edit of CRM fields and proposes its edit of ERP fields, per the policy', () => {
    expect(
      decideOwnership(policies, 'customerMaster', 'crm', ['name', 'creditLimit', 'phone', 'name']),
    ).toEqual({
      apply: ['name', 'phone'],
      propose: ['creditLimit'],
      disposition: 'approval',
      owners: { creditLimit: 'erp' },
    })
    expect(decideOwnership(policies, 'customerMaster', 'erp', ['creditLimit', 'name'])).toEqual({
      apply: ['creditLimit'],
      propose: ['name'],
      disposition: 'approval',
      owners: { name: 'crm' },
    })
  })

  it('follows the policy’s disposition and its field groups', () => {
    const strict = parsePolicies({
      customerMaster: {
        nonOwnerChange: 'reject',
        fieldGroups: { all: { owner: 'erp', fields: ['name', 'creditLimit'] } },
      },
    })
    expect(decideOwnership(strict, 'customerMaster', 'crm', ['name', 'phone'])).toEqual({
      apply: ['phone'],
      propose: ['name'],
      disposition: 'reject',
      owners: { name: 'erp' },
    })
    expect(decideOwnership(strict, 'customerMaster', 'crm', [])).toEqual({
      apply: [],
      propose: [],
      disposition: 'reject',
      owners: {},
    })
  })

  it('lists the fields a system owns', () => {
    const fields = ['name', 'phone', 'website', 'creditLimit', 'paymentTerms']
    expect(ownedBy(policies, 'customerMaster', 'erp', fields)).toEqual([
      'creditLimit',
      'paymentTerms',
    ])
    expect(ownedBy(policies, 'customerMaster', 'crm', fields)).toEqual(['name', 'phone', 'website'])
  })
})
