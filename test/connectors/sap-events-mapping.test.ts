/** @module test/connectors/sap-events-mapping — business event validation, entity versions as guard ordinals, content fingerprints. Pure. */
import { describe, expect, it } from 'vitest'
import {
  contentFingerprint,
  sapEntityVersion,
  sapVersionOrdinal,
} from '../../src/connectors/sap/sap-entity-version.ts'
import {
  SAP_BUSINESS_EVENT_TYPES,
  parseSapBusinessEvent,
} from '../../src/connectors/sap/sap-event-mapping.ts'
import { sapConnectorSpec } from '../../src/connectors/sap/sap-connector-spec.ts'

const event = (overrides: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  type: SAP_BUSINESS_EVENT_TYPES.salesOrderChanged,
  source: '/default/sap.s4.beh/S4H',
  id: 'f3e2d1c0-0000-4000-8000-000000000009',
  time: '2026-01-10T12:00:00.123Z',
  datacontenttype: 'application/json',
  data: { SalesOrder: '0000000042' },
  ...overrides,
})

describe('parseSapBusinessEvent', () => {
  it('reads the key without leading zeros, the time, and one entity key per entity', () => {
    expect(parseSapBusinessEvent(event())).toEqual({
      id: 'f3e2d1c0-0000-4000-8000-000000000009',
      type: SAP_BUSINESS_EVENT_TYPES.salesOrderChanged,
      source: '/default/sap.s4.beh/S4H',
      time: '2026-01-10T12:00:00.123Z',
      timeMs: Date.parse('2026-01-10T12:00:00.123Z'),
      subject: {
        object: 'SalesOrder',
        action: 'Changed',
        key: '42',
        entityKey: 'sap:SalesOrder:42',
      },
    })
    const short = parseSapBusinessEvent(event({ data: { SalesOrder: '42' } }))
    expect(short.subject?.entityKey).toBe('sap:SalesOrder:42')
  })

  it('passes CloudEvents extension attributes and extra data fields SAP adds', () => {
    const parsed = parseSapBusinessEvent(
      event({
        sappassport: 'opaque',
        data: {
          SalesOrder: '42',
          SalesOrderType: 'OR',
          EventRaisedDateTime: '2026-01-10T12:00:00Z',
        },
      }),
    )
    expect(parsed.subject?.key).toBe('42')
  })

  it('leaves the subject out for a type it does not read, or whose object segments disagree', () => {
    expect(
      parseSapBusinessEvent(event({ type: 'sap.s4.beh.product.v1.Product.Changed.v1' })).subject,
    ).toBeUndefined()
    expect(
      parseSapBusinessEvent(event({ type: 'sap.s4.beh.salesorder.v1.BusinessPartner.Changed.v1' }))
        .subject,
    ).toBeUndefined()
    expect(parseSapBusinessEvent(event({ type: 'com.example.other' })).subject).toBeUndefined()
  })

  it('names the first bad field and lists the others', () => {
    expect(() => parseSapBusinessEvent(event({ id: 42, time: 'noon' }))).toThrow(
      expect.objectContaining({
        type: 'validation',
        path: 'id',
        message: expect.stringMatching(/id: .*; time: /),
      }),
    )
    expect(() => parseSapBusinessEvent('not an object')).toThrow(
      expect.objectContaining({ type: 'validation', code: 'INVALID_EVENT' }),
    )
  })
})

describe('SAP entity versions', () => {
  it('reads the ETag SAP sends into its change timestamp and a guard ordinal', () => {
    const etag = `W/"datetimeoffset'2026-01-10T12%3A00%3A00.1230000Z'"`
    expect(sapEntityVersion(etag)).toEqual({
      timestamp: '2026-01-10T12:00:00.1230000Z',
      ordinal: sapVersionOrdinal('2026-01-10T12:00:00.1230000Z'),
      etag,
    })
    expect(sapEntityVersion('W/"a1b2c3"')).toBeUndefined()
    expect(sapEntityVersion(undefined)).toBeUndefined()
  })

  it('gives two changes in one millisecond distinct, ordered ordinals (100 ns ticks)', () => {
    const first = sapVersionOrdinal('2026-01-10T12:00:00.1230000Z')
    const second = sapVersionOrdinal('2026-01-10T12:00:00.1230001Z')
    const next = sapVersionOrdinal('2026-01-10T12:00:00.1240000Z')
    expect(first).toEqual(expect.any(Number))
    expect((second ?? 0) - (first ?? 0)).toBe(1)
    expect((next ?? 0) - (first ?? 0)).toBe(10_000)
    expect(sapVersionOrdinal('2020-01-01T00:00:00Z')).toBe(0)
    expect(sapVersionOrdinal('2026-01-10T13:00:00.5+01:00')).toBe(
      sapVersionOrdinal('2026-01-10T12:00:00.5000000Z'),
    )
  })

  it('has no ordinal where a JS number cannot hold the ticks exactly, rather than a wrong one', () => {
    expect(sapVersionOrdinal('2048-01-01T00:00:00Z')).toEqual(expect.any(Number))
    expect(sapVersionOrdinal('2049-01-01T00:00:00Z')).toBeUndefined()
    expect(sapVersionOrdinal('1990-01-01T00:00:00Z')).toBeUndefined()
    expect(sapVersionOrdinal('yesterday')).toBeUndefined()
  })

  it('fingerprints content without the version, keys in any order', () => {
    const a = {
      source: { system: 'sap', id: '1', version: 'v1' },
      kind: 'customer',
      companyName: 'X',
    }
    const b = {
      companyName: 'X',
      kind: 'customer',
      source: { id: '1', system: 'sap', version: 'v2' },
    }
    expect(contentFingerprint(a)).toBe(contentFingerprint(b))
    expect(contentFingerprint({ ...a, companyName: 'Y' })).not.toBe(contentFingerprint(a))
    expect(contentFingerprint({ ...a, source: { ...a.source, id: '2' } })).not.toBe(
      contentFingerprint(a),
    )
  })
})

describe('sapConnectorSpec: inbound events', () => {
  it('declares the inbound operations and the event fault rows it handles', () => {
    const inbound = sapConnectorSpec.operations.filter((op) => op.direction === 'inbound')
    expect(inbound.map((op) => op.name)).toEqual(['businessEvent.receive', 'businessEvent.pull'])
    const rows = sapConnectorSpec.faultRows.map((r) => r.row)
    expect(rows).toEqual(expect.arrayContaining([1, 3, 4, 15]))
    expect(rows).toEqual([...rows].sort((x, y) => x - y))
  })
})
