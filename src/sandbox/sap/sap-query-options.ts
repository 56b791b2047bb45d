/** @module sandbox/sap/sap-query-options — $filter, $orderby, $top, $skip, $select, $expand, $inlinecount and $format, parsed against the entity type and applied to a collection. */

import type { Entity } from './sap-entity-access.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import { matches, parseFilter } from './sap-filter.ts'
import type { FilterExpr } from './sap-filter.ts'
import { navigationOf, propertyOf } from './sap-model.ts'
import type { EntityTypeDef, PropertyDef, SapModel } from './sap-model.ts'
import { alphaInternal } from './sap-wire.ts'

/** Which properties to render, per level: null means all. */
export interface Selection {
  readonly properties: ReadonlySet<string> | null
  /** Navigations named in $select, with the properties selected under each (null: all). */
  readonly navigations: ReadonlyMap<string, ReadonlySet<string> | null>
}

export interface QueryOptions {
  readonly filter: FilterExpr | null
  readonly orderby: readonly { readonly def: PropertyDef; readonly desc: boolean }[]
  readonly top: number | null
  readonly skip: number
  readonly select: Selection | null
  readonly expand: readonly string[]
  readonly inlinecount: boolean
}

const KNOWN = new Set([
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$select',
  '$expand',
  '$inlinecount',
  '$format',
  '$skiptoken',
])

/** JSON when `$format=json` or the Accept header lists application/json; Atom XML otherwise, as Gateway does. */
export function wantsJson(query: URLSearchParams, accept: string | undefined): boolean {
  const format = query.get('$format')
  if (format !== null) return format.toLowerCase() === 'json'
  return (accept ?? '').toLowerCase().includes('application/json')
}

export function checkFormat(query: URLSearchParams): Outcome<null> {
  const format = query.get('$format')
  return format === null || ['json', 'xml', 'atom'].includes(format.toLowerCase())
    ? ok(null)
    : fail(sapErrors.syntax('$format', `unsupported format '${format}'`))
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

function parseSelect(model: SapModel, type: EntityTypeDef, text: string): Outcome<Selection> {
  const properties = new Set<string>()
  const navigations = new Map<string, Set<string> | null>()
  let all = false
  for (const item of list(text)) {
    const [head = '', sub] = item.split('/', 2)
    if (head === '*' && sub === undefined) all = true
    else if (propertyOf(type, head) && sub === undefined) properties.add(head)
    else if (navigationOf(type, head)) {
      const target = model.set(type.service, navigationOf(type, head)?.toSet ?? '')
      if (sub === undefined || sub === '*') navigations.set(head, null)
      else if (target && propertyOf(target, sub)) {
        const current = navigations.get(head)
        if (current !== null) navigations.set(head, new Set([...(current ?? []), sub]))
      } else return fail(sapErrors.syntax('$select', `property '${item}' not found`))
    } else return fail(sapErrors.syntax('$select', `property '${item}' not found`))
  }
  return ok({ properties: all ? null : properties, navigations })
}

function parseCount(name: string, text: string | null): Outcome<number | null> {
  if (text === null) return ok(null)
  return /^\d+$/.test(text)
    ? ok(Number(text))
    : fail(sapErrors.syntax(name, `'${text}' is not a non-negative integer`))
}

export function parseQueryOptions(
  model: SapModel,
  type: EntityTypeDef,
  query: URLSearchParams,
): Outcome<QueryOptions> {
  for (const name of query.keys()) {
    if (name.startsWith('$') && !KNOWN.has(name)) {
      return fail(sapErrors.syntax(name, 'the system query option is not supported'))
    }
  }
  const format = checkFormat(query)
  if (!format.ok) return format
  const filterText = query.get('$filter')
  const filter = filterText === null ? null : parseFilter(type, filterText)
  if (filter && !filter.ok) return filter
  const orderby: { def: PropertyDef; desc: boolean }[] = []
  for (const item of list(query.get('$orderby') ?? '')) {
    const [name = '', direction = 'asc', extra] = item.split(/\s+/)
    const def = propertyOf(type, name)
    if (!def || !['asc', 'desc'].includes(direction) || extra !== undefined) {
      return fail(sapErrors.syntax('$orderby', `cannot order by '${item}'`))
    }
    orderby.push({ def, desc: direction === 'desc' })
  }
  const top = parseCount('$top', query.get('$top'))
  if (!top.ok) return top
  const skip = parseCount('$skip', query.get('$skip') ?? query.get('$skiptoken'))
  if (!skip.ok) return skip
  const selectText = query.get('$select')
  const select = selectText === null ? null : parseSelect(model, type, selectText)
  if (select && !select.ok) return select
  const expand = list(query.get('$expand') ?? '')
  for (const name of expand) {
    if (!navigationOf(type, name)) {
      return fail(
        sapErrors.syntax('$expand', `navigation property '${name}' not found in '${type.name}'`),
      )
    }
  }
  const inline = query.get('$inlinecount')
  if (inline !== null && inline !== 'allpages' && inline !== 'none') {
    return fail(sapErrors.syntax('$inlinecount', `'${inline}' is neither allpages nor none`))
  }
  return ok({
    filter: filter?.value ?? null,
    orderby,
    top: top.value,
    skip: skip.value ?? 0,
    select: select?.value ?? null,
    expand,
    inlinecount: inline === 'allpages',
  })
}

function sortValue(def: PropertyDef, entity: Entity): string | number | boolean {
  const value = entity.row[def.name] ?? ''
  if (def.type === 'Edm.Decimal') return Number(value)
  if (def.alpha && def.maxLength !== undefined) return alphaInternal(String(value), def.maxLength)
  return value === null ? '' : value
}

/** Filters, orders and pages a collection; `count` is the filtered size before paging. */
export function applyOptions(
  entities: readonly Entity[],
  options: QueryOptions,
): { entities: Entity[]; count: number } {
  const filtered = options.filter
    ? entities.filter((e) => matches(options.filter as FilterExpr, e.row))
    : [...entities]
  if (options.orderby.length > 0) {
    filtered.sort((a, b) => {
      for (const { def, desc } of options.orderby) {
        const [x, y] = [sortValue(def, a), sortValue(def, b)]
        if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1)
      }
      return 0
    })
  }
  const end = options.top === null ? undefined : options.skip + options.top
  return { entities: filtered.slice(options.skip, end), count: filtered.length }
}
