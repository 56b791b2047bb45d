/** @module sandbox/sap/sap-entity-input — reads an entity from a request body as Gateway does: unknown properties refused, read-only ones ignored, values checked against their Edm type and length. */

import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import type { EntityTypeDef, PropertyDef } from './sap-model.ts'
import { fromJson, initialValue } from './sap-wire.ts'
import type { Row, Value } from './sap-wire.ts'

export interface EntityInput {
  /** The properties the body set that this operation may set, parsed. */
  readonly values: Readonly<Record<string, Value>>
  /** Deep-insert payloads by navigation name (create only). */
  readonly children: Readonly<Record<string, readonly unknown[]>>
}

export type WriteMode = 'create' | 'update'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `{results:[…]}` (the v2 verbose shape) or a bare array, as Gateway's JSON reader takes both. */
function deepInsertList(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value
  if (isObject(value) && Array.isArray(value.results)) return value.results
  return null
}

export function readEntityBody(
  type: EntityTypeDef,
  body: unknown,
  mode: WriteMode,
): Outcome<EntityInput> {
  if (!isObject(body)) {
    return fail(sapErrors.badRequest('The request body must be a JSON object describing an entity'))
  }
  const values: Record<string, Value> = {}
  const children: Record<string, unknown[]> = {}
  for (const [name, raw] of Object.entries(body)) {
    if (name === '__metadata') continue
    const navigation = type.navigations.find((n) => n.name === name)
    if (navigation) {
      if (isObject(raw) && isObject(raw.__deferred)) continue
      const list = navigation.many ? deepInsertList(raw) : null
      if (mode === 'update' || list === null) {
        return fail(
          sapErrors.badRequest(
            mode === 'update'
              ? `Deep update is not supported: navigation property '${name}' in the request body`
              : `Deep insert via navigation property '${name}' is not supported`,
            name,
          ),
        )
      }
      children[name] = list
      continue
    }
    const property = type.properties.find((p) => p.name === name)
    if (!property) return fail(sapErrors.invalidProperty(`${type.service}.${type.name}`, name))
    // Gateway hands read-only fields to the application, which ignores them: no error, no effect.
    if (mode === 'create' ? !property.creatable : !property.updatable) continue
    const parsed = fromJson(property, raw)
    if (!parsed.ok) return fail(sapErrors.invalidValue(name))
    values[name] = parsed.value
  }
  return ok({ values, children })
}

/** Every property at its initial value, then `values` over it. */
export function completeRow(type: EntityTypeDef, values: Readonly<Record<string, Value>>): Row {
  const row: Record<string, Value> = {}
  for (const p of type.properties) {
    row[p.name] = p.name in values ? (values[p.name] ?? null) : initialValue(p)
  }
  return row
}

/** PUT semantics: updatable properties the body left out go back to their initial value. */
export function putValues(
  type: EntityTypeDef,
  values: Readonly<Record<string, Value>>,
): Record<string, Value> {
  const all: Record<string, Value> = {}
  for (const p of type.properties) {
    if (p.updatable) all[p.name] = p.name in values ? (values[p.name] ?? null) : initialValue(p)
  }
  return all
}

/** A text field that is empty in the sense ABAP means it. */
export const isBlank = (value: Value | undefined): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '')

/** The first mandatory extension field (schema drift) a new row leaves empty. */
export function missingMandatory(type: EntityTypeDef, row: Row): PropertyDef | undefined {
  return type.properties.find((p) => p.mandatory && isBlank(row[p.name]))
}

/** Midnight UTC of the day `ms` falls in: the Edm.DateTime of an ABAP date. */
export const dayOf = (ms: number): number => Math.floor(ms / 86_400_000) * 86_400_000
