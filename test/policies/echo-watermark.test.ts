/** @module test/policies/echo-watermark.test — the hub's own writes are recognised when they come back; real changes are not. */
import { describe, expect, it } from 'vitest'
import { changedSince, hashValue, isEcho, watermarkOf } from '../../src/policies/echo-watermark.ts'

describe('echo watermarks', () => {
  const written = watermarkOf({ creditLimit: 50000, paymentTerms: 'Net 30' })

  it('hashes one value alike however a system spells it', () => {
    expect(hashValue(50000)).toBe(hashValue('50000.00'))
    expect(hashValue(' Net 30 ')).toBe(hashValue('Net 30'))
    expect(hashValue('')).toBe(hashValue(null))
    expect(hashValue({ b: 1, a: [2] })).toBe(hashValue({ a: [2], b: '1' }))
    expect(hashValue(50000)).not.toBe(hashValue(50001))
    expect(watermarkOf({ a: 1, b: 2 }).contentHash).toBe(watermarkOf({ b: 2, a: 1 }).contentHash)
  })

  it('takes a change holding only what the hub wrote, some or all of it, for an echo', () => {
    expect(isEcho({ creditLimit: '50000.00', paymentTerms: 'Net 30' }, written)).toBe(true)
    expect(isEcho({ creditLimit: 50000 }, written)).toBe(true)
  })

  it('passes a change to another value or another field, and anything without a watermark', () => {
    expect(isEcho({ creditLimit: 60000 }, written)).toBe(false)
    expect(isEcho({ creditLimit: 50000, phone: '+1 555' }, written)).toBe(false)
    expect(isEcho({ creditLimit: 50000 }, null)).toBe(false)
    expect(isEcho({}, written)).toBe(false)
  })

  it('finds the fields that differ from the hub’s write', () => {
    const values = { creditLimit: 60000, paymentTerms: 'Net 30', website: null, phone: '+1' }
    expect(changedSince(values, written)).toEqual(['creditLimit', 'phone'])
    expect(changedSince(values, written, { writtenOnly: true })).toEqual(['creditLimit'])
    expect(changedSince(values, null)).toEqual(['creditLimit', 'paymentTerms', 'phone'])
  })
})
