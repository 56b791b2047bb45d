/** @module connectors/sap/sap-odata-json — OData v2 verbose JSON as SAP sends it: `{d:{…}}`, `{d:{results,__next}}`, ETags, `/Date(ms)/`. */
import { headerValue } from '../wire/http-exchange.ts'
import type { HttpHeaders } from '../wire/http-exchange.ts'

/** One entity as Gateway renders it: properties, `__metadata`, navigation (deferred or expanded). */
export type ODataEntity = Record<string, unknown>

export interface ODataFeed {
  results: ODataEntity[]
  /** Server-driven paging: the URL of the next page, when Gateway cut the answer short. */
  next: string | undefined
}

/** `{d:{…}}` → the entity; undefined when the body is not a single entity. */
export function entityOf(body: unknown): ODataEntity | undefined {
  const d = objectOf(objectOf(body)?.d)
  if (d === undefined || Array.isArray(d.results)) return undefined
  return d
}

/** `{d:{results:[…],__next}}` (or the older `{d:[…]}`) → the page; undefined when not a feed. */
export function feedOf(body: unknown): ODataFeed | undefined {
  const d = objectOf(body)?.d
  const list = Array.isArray(d) ? d : objectOf(d)?.results
  if (!Array.isArray(list)) return undefined
  const results = list.map(objectOf)
  if (results.some((r) => r === undefined)) return undefined
  const next = Array.isArray(d) ? undefined : objectOf(d)?.__next
  return {
    results: results as ODataEntity[],
    next: typeof next === 'string' && next !== '' ? next : undefined,
  }
}

/** A navigation property's entities: `{results:[…]}` when expanded, none when deferred. */
export function expandedOf(entity: ODataEntity, navigation: string): ODataEntity[] {
  const list: unknown = objectOf(entity[navigation])?.results
  if (!Array.isArray(list)) return []
  return list.flatMap((e: unknown) => {
    const item = objectOf(e)
    return item === undefined ? [] : [item]
  })
}

/** The ETag: the response header of a single-entity answer, else the entity's `__metadata.etag`. */
export function etagOf(headers: HttpHeaders, entity: ODataEntity | undefined): string | undefined {
  const header = headerValue(headers, 'etag')
  if (header !== undefined && header !== '') return header
  const meta = objectOf(entity?.__metadata)?.etag
  return typeof meta === 'string' && meta !== '' ? meta : undefined
}

/** A string property; SAP writes unset strings as `""`, which this reads as absent. */
export function textOf(entity: ODataEntity, field: string): string | undefined {
  const value = entity[field]
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** `/Date(1768003200000)/` or `/Date(1768003200000+0000)/` → epoch ms. */
export function odataDateMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/** Epoch ms → `/Date(ms)/`, the wire form of `Edm.DateTime`. */
export function odataDate(ms: number): string {
  return `/Date(${ms})/`
}

/**
 * `W/"datetimeoffset'2026-01-10T12%3A00%3A00.1230000Z'"` → `2026-01-10T12:00:00.1230000Z`: the
 * change timestamp SAP derives the ETag from, usable as a version that orders changes. Undefined
 * for ETags of another form.
 */
export function etagInstant(etag: string | undefined): string | undefined {
  const match = /^(?:W\/)?"datetimeoffset'([^']+)'"$/.exec(etag ?? '')
  if (match?.[1] === undefined) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(match[1])
  } catch {
    return undefined
  }
  return Number.isNaN(Date.parse(decoded)) ? undefined : decoded
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}
