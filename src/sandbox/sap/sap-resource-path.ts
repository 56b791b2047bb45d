/** @module sandbox/sap/sap-resource-path — splits an OData v2 URL into service, entity set, key predicate, navigation and $count. */

import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import { navigationOf } from './sap-model.ts'
import type { EntityTypeDef, SapModel } from './sap-model.ts'
import { alphaOut } from './sap-wire.ts'

export const SERVICE_ROOT = '/sap/opu/odata/sap/'

export type ResourceTarget =
  | { readonly kind: 'serviceDocument' }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'batch' }
  | {
      readonly kind: 'resource'
      readonly type: EntityTypeDef
      /** Key values by property, already in their stored (ALPHA-output) form; null for the set. */
      readonly key: Readonly<Record<string, string>> | null
      /** The navigation followed from the keyed entity, if any. */
      readonly navigation: string | null
      readonly count: boolean
    }

/** `API_SALES_ORDER_SRV;v=0001` names the service and, optionally, its version. */
export function serviceNameOf(segment: string): string {
  return segment.split(';', 1)[0] ?? segment
}

/** `('1')` or `(SalesOrder='1',SalesOrderItem='10')` into key values; null when malformed. */
export function parseKeyPredicate(
  type: EntityTypeDef,
  text: string,
): Readonly<Record<string, string>> | null {
  const inner = text.slice(1, -1)
  const parts: { name: string | null; value: string }[] = []
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)\s*=\s*)?'((?:[^']|'')*)'\s*(,|$)/y
  let at = 0
  while (at < inner.length) {
    re.lastIndex = at
    const m = re.exec(inner)
    if (!m || m[0] === '') return null
    parts.push({ name: m[1] ?? null, value: (m[2] ?? '').replace(/''/g, "'") })
    at = re.lastIndex
    if (m[3] === '' && at < inner.length) return null
  }
  const [first] = parts
  if (type.keys.length === 1 && parts.length === 1 && first && first.name === null) {
    const [name] = type.keys
    return name === undefined ? null : { [name]: normalise(type, name, first.value) }
  }
  if (parts.length !== type.keys.length) return null
  const key: Record<string, string> = {}
  for (const part of parts) {
    if (part.name === null || !type.keys.includes(part.name) || part.name in key) return null
    key[part.name] = normalise(type, part.name, part.value)
  }
  return key
}

/** The ALPHA input conversion: `'0000000001'` and `'1'` address the same sales order. */
function normalise(type: EntityTypeDef, name: string, value: string): string {
  return type.properties.find((p) => p.name === name)?.alpha ? alphaOut(value) : value
}

/** Parses the part of the path after the service root: `A_SalesOrder('1')/to_Item/$count`. */
export function parseResourcePath(
  model: SapModel,
  service: string,
  rest: string,
): Outcome<ResourceTarget> {
  // Empty segments (a trailing slash, as the Cloud SDK's token fetch sends) address nothing.
  const trimmed = rest.split('/').filter((s) => s !== '')
  if (trimmed.length === 0) return ok({ kind: 'serviceDocument' })
  const decoded = trimmed.map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  })
  const [head, ...tail] = decoded
  if (head === '$metadata' && tail.length === 0) return ok({ kind: 'metadata' })
  if (head === '$batch' && tail.length === 0) return ok({ kind: 'batch' })
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(\(.*\))?$/.exec(head ?? '')
  const type = match?.[1] === undefined ? undefined : model.set(service, match[1])
  if (!match || !type) return fail(sapErrors.noResource(head ?? ''))
  const key = match[2] === undefined ? null : parseKeyPredicate(type, match[2])
  if (match[2] !== undefined && key === null) {
    return fail(
      sapErrors.badRequest(`Invalid key predicate '${match[2]}' for entity set ${type.set}`),
    )
  }
  let navigation: string | null = null
  let count = false
  for (const segment of tail) {
    if (segment === '$count' && !count) count = true
    else if (key !== null && navigation === null && !count && navigationOf(type, segment)) {
      navigation = segment
    } else return fail(sapErrors.noResource(segment))
  }
  if (count && key !== null && navigation === null) return fail(sapErrors.noResource('$count'))
  return ok({ kind: 'resource', type, key, navigation, count })
}
