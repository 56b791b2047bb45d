/** @module sandbox/sap/sap-wire — OData v2 values as SAP writes and reads them: decimals as strings, /Date(ms)/, ALPHA keys, key predicates, ETags. */

import type { EntityTypeDef, PropertyDef } from './sap-model.ts'

/** A stored property value: strings for Edm.String/Decimal/Guid, epoch ms for dates, ms of day for Edm.Time. */
export type Value = string | number | boolean | null
export type Row = Readonly<Record<string, Value>>

/** A change stamp: the ms of the change and a counter, so two changes in one ms still differ. */
export interface Stamp {
  readonly ms: number
  readonly seq: number
}

export const INITIAL_GUID = '00000000-0000-0000-0000-000000000000'

/** ALPHA output conversion: `0017100001` is shown as `17100001`; non-numeric values unchanged. */
export function alphaOut(value: string): string {
  if (!/^\d+$/.test(value)) return value
  const stripped = value.replace(/^0+/, '')
  return stripped === '' ? '0' : stripped
}

/** ALPHA internal form: numeric values zero-padded, so they sort as ABAP compares them. */
export function alphaInternal(value: string, length: number): string {
  return /^\d+$/.test(value) ? value.padStart(length, '0') : value
}

/** What ABAP holds for a field nobody set: SAP has no nulls except for dates. */
export function initialValue(p: PropertyDef): Value {
  switch (p.type) {
    case 'Edm.String':
      return ''
    case 'Edm.Decimal':
      return '0'
    case 'Edm.Boolean':
      return false
    case 'Edm.Time':
      return 0
    case 'Edm.Guid':
      return INITIAL_GUID
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      return null
  }
}

const CURRENCY_DECIMALS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3 }

/** Decimals for an amount in this currency (2 unless the currency says otherwise). */
export const currencyDecimals = (currency: Value | undefined): number =>
  typeof currency === 'string' ? (CURRENCY_DECIMALS[currency] ?? 2) : 2

/** A decimal string, fixed to `decimals` places, or trimmed of trailing zeros when undefined. */
export function formatDecimal(value: string, decimals?: number): string {
  const n = Number(value)
  if (!Number.isFinite(n)) return value
  if (decimals !== undefined) return n.toFixed(decimals)
  return String(Number(n.toFixed(6)))
}

export const jsonDate = (ms: number): string => `/Date(${ms})/`
export const jsonDateTimeOffset = (ms: number): string => `/Date(${ms}+0000)/`

export function isoTime(msOfDay: number): string {
  const total = Math.floor(msOfDay / 1000)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `PT${pad(Math.floor(total / 3600))}H${pad(Math.floor(total / 60) % 60)}M${pad(total % 60)}S`
}

/** The JSON value of a property; amounts follow their currency's decimals, as SAP prints them. */
export function toJson(p: PropertyDef, value: Value, row: Row): unknown {
  if (value === null) return null
  switch (p.type) {
    case 'Edm.Decimal': {
      const unit = p.unit === undefined ? undefined : row[p.unit]
      const isAmount = p.unit !== undefined && p.unit.endsWith('Currency')
      return formatDecimal(String(value), isAmount ? currencyDecimals(unit) : undefined)
    }
    case 'Edm.DateTime':
      return jsonDate(Number(value))
    case 'Edm.DateTimeOffset':
      return jsonDateTimeOffset(Number(value))
    case 'Edm.Time':
      return isoTime(Number(value))
    case 'Edm.String':
      return p.alpha ? alphaOut(String(value)) : value
    case 'Edm.Boolean':
    case 'Edm.Guid':
      return value
  }
}

export type Parsed = { readonly ok: true; readonly value: Value } | { readonly ok: false }

const JSON_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:\d{2})?$/

/** `/Date(ms)/`, `/Date(ms+0060)/` or ISO 8601, as Gateway's JSON reader accepts them. */
export function parseDate(text: string): number | null {
  const json = JSON_DATE.exec(text)
  // The ms are UTC already; an offset (minutes) only says where the writer was.
  if (json) return Number(json[1])
  if (!ISO_DATE.test(text)) return null
  const ms = Date.parse(
    /[Zz]|[+-]\d{2}:\d{2}$/.test(text) || text.length === 10 ? text : `${text}Z`,
  )
  return Number.isNaN(ms) ? null : ms
}

/** Reads one property of a request body; null resets to the initial value, as ABAP would store it. */
export function fromJson(p: PropertyDef, raw: unknown): Parsed {
  if (raw === null) return { ok: true, value: initialValue(p) }
  switch (p.type) {
    case 'Edm.String': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false }
      const text = String(raw)
      if (p.maxLength !== undefined && text.length > p.maxLength) return { ok: false }
      const cased = p.displayFormat === 'UpperCase' ? text.toUpperCase() : text
      return { ok: true, value: p.alpha ? alphaOut(cased) : cased }
    }
    case 'Edm.Decimal': {
      const text = typeof raw === 'number' ? String(raw) : raw
      if (typeof text !== 'string' || !/^-?\d+(\.\d+)?$/.test(text.trim())) return { ok: false }
      const decimals = text.split('.')[1]?.length ?? 0
      if (p.scale !== undefined && decimals > p.scale) return { ok: false }
      return { ok: true, value: formatDecimal(text.trim()) }
    }
    case 'Edm.Boolean':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : { ok: false }
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset': {
      const ms = typeof raw === 'string' ? parseDate(raw) : null
      return ms === null ? { ok: false } : { ok: true, value: ms }
    }
    case 'Edm.Time': {
      const m = typeof raw === 'string' ? /^PT(\d{1,2})H(\d{1,2})M(\d{1,2})S$/.exec(raw) : null
      if (!m) return { ok: false }
      return { ok: true, value: ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 }
    }
    case 'Edm.Guid':
      return typeof raw === 'string' && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(raw)
        ? { ok: true, value: raw.toLowerCase() }
        : { ok: false }
  }
}

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`

/** `('1')` for one key, `(SalesOrder='1',SalesOrderItem='10')` for several, as SAP builds URIs. */
export function keyPredicate(type: EntityTypeDef, row: Row): string {
  const shown = (name: string): string => {
    const value = String(row[name] ?? '')
    return quote(type.properties.find((p) => p.name === name)?.alpha ? alphaOut(value) : value)
  }
  const [only] = type.keys
  if (type.keys.length === 1 && only !== undefined) return `(${shown(only)})`
  return `(${type.keys.map((k) => `${k}=${shown(k)}`).join(',')})`
}

/** ISO 8601 with seven fraction digits, as ABAP's UTCLONG timestamps print. */
export function stampIso(stamp: Stamp): string {
  const iso = new Date(stamp.ms).toISOString()
  return `${iso.slice(0, 23)}${String(stamp.seq).padStart(4, '0')}Z`
}

/** The weak ETag SAP derives from the change timestamp, colons percent-encoded as SAP sends them. */
export function etagOf(stamp: Stamp): string {
  return `W/"datetimeoffset'${stampIso(stamp).replace(/:/g, '%3A')}'"`
}
