/** @module sandbox/sap/sap-business-partner-rules — business partners as BP maintenance keeps them: category-dependent names, internal or external numbers, roles that make a partner a customer or supplier. */

import { randomUUID } from 'node:crypto'
import { businessKeyOf, SAP_EVENT_TYPES, versionOf } from './sap-changes.ts'
import type { Change, RuleContext } from './sap-changes.ts'
import {
  completeRow,
  dayOf,
  isBlank,
  missingMandatory,
  putValues,
  readEntityBody,
} from './sap-entity-input.ts'
import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import type { EntityTypeDef, SapModel } from './sap-model.ts'
import { BUSINESS_PARTNER_SERVICE } from './sap-model.ts'
import { DEFAULT_SALES_AREA } from './sap-store.ts'
import type { PartnerRecord, SeedPartner } from './sap-store.ts'
import type { Row, Stamp, Value } from './sap-wire.ts'

export interface PartnerWrite {
  readonly record: PartnerRecord
  readonly change: Change
}

/** Roles the sandbox knows: FLCU01 makes a sales customer (default sales area), FLVN0x a supplier. */
const ROLES = new Set(['FLCU00', 'FLCU01', 'FLVN00', 'FLVN01', 'BUP001', '000000'])
const END_OF_TIME = Date.UTC(9999, 11, 31, 23, 59, 59)
const MS_PER_DAY = 86_400_000

function typeOf(
  model: SapModel,
  set: 'A_BusinessPartner' | 'A_BusinessPartnerRole',
): EntityTypeDef {
  const type = model.set(BUSINESS_PARTNER_SERVICE, set)
  if (!type) throw new Error(`business partner model missing ${set}`)
  return type
}

const required = (field: string) =>
  fail(sapErrors.business('00/055', 'Fill in all required entry fields', field))

/** Full name as BP maintenance derives it: first and last for persons, name 1 and 2 otherwise. */
function names(row: Row): Record<string, Value> {
  const join = (...parts: (Value | undefined)[]): string =>
    parts
      .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
      .join(' ')
      .slice(0, 81)
  const full =
    row.BusinessPartnerCategory === '1'
      ? join(row.FirstName, row.LastName)
      : join(row.OrganizationBPName1, row.OrganizationBPName2)
  return {
    BusinessPartnerFullName: full,
    BusinessPartnerName: full,
    IsNaturalPerson: row.BusinessPartnerCategory === '1' ? 'X' : '',
  }
}

function checkNames(row: Row): Outcome<Row> {
  const category = String(row.BusinessPartnerCategory)
  if (!['1', '2', '3'].includes(category)) {
    return fail(
      sapErrors.business(
        'R11/401',
        `Business partner category ${category || "' '"} is not allowed`,
        'BusinessPartnerCategory',
      ),
    )
  }
  if (category === '1' && isBlank(row.LastName)) return required('LastName')
  if (category !== '1' && isBlank(row.OrganizationBPName1)) return required('OrganizationBPName1')
  return ok(row)
}

/** Applies the roles' consequences: the customer and supplier numbers, the sales areas. */
function withRoles(
  row: Row,
  roles: readonly Row[],
  areas: readonly string[],
): { row: Row; salesAreas: readonly string[] } {
  const has = (...codes: string[]): boolean =>
    roles.some((r) => codes.includes(String(r.BusinessPartnerRole)))
  const id = String(row.BusinessPartner)
  return {
    row: {
      ...row,
      Customer: has('FLCU00', 'FLCU01') ? id : (row.Customer ?? ''),
      Supplier: has('FLVN00', 'FLVN01') ? id : (row.Supplier ?? ''),
    },
    salesAreas:
      has('FLCU01') && !areas.includes(DEFAULT_SALES_AREA) ? [...areas, DEFAULT_SALES_AREA] : areas,
  }
}

function buildRole(ctx: RuleContext, partner: string, body: unknown, index: number): Outcome<Row> {
  const type = typeOf(ctx.model, 'A_BusinessPartnerRole')
  const input = readEntityBody(type, body, 'create')
  if (!input.ok) return input
  const role = String(input.value.values.BusinessPartnerRole ?? '')
  const target = `to_BusinessPartnerRole(${index})/BusinessPartnerRole`
  if (role === '') return required(target)
  if (!ROLES.has(role)) {
    return fail(sapErrors.business('R11/657', `BP role ${role} does not exist`, target))
  }
  return ok(
    completeRow(type, {
      ValidFrom: ctx.now(),
      ValidTo: END_OF_TIME,
      ...input.value.values,
      BusinessPartner: partner,
      BusinessPartnerRole: role,
    }),
  )
}

function changeOf(ctx: RuleContext, row: Row, kind: 'create' | 'update'): Change {
  return {
    kind,
    recordType: 'A_BusinessPartner',
    businessKey: businessKeyOf(row.BusinessPartnerIdByExtSystem, row.BusinessPartner),
    ...versionOf(ctx, row),
    eventType:
      kind === 'create'
        ? SAP_EVENT_TYPES.businessPartnerCreated
        : SAP_EVENT_TYPES.businessPartnerChanged,
    eventData: { BusinessPartner: String(row.BusinessPartner) },
  }
}

const stampFields = (stamp: Stamp, prefix: 'Creation' | 'LastChange'): Record<string, Value> => ({
  [`${prefix}Date`]: dayOf(stamp.ms),
  [`${prefix}Time`]: stamp.ms - dayOf(stamp.ms),
})

/** POST A_BusinessPartner (roles may come along in `to_BusinessPartnerRole`); no duplicate check on names or external ids, as in SAP. */
export function createPartner(ctx: RuleContext, body: unknown): Outcome<PartnerWrite> {
  const type = typeOf(ctx.model, 'A_BusinessPartner')
  const input = readEntityBody(type, body, 'create')
  if (!input.ok) return input
  const given = input.value.values.BusinessPartner
  if (typeof given === 'string' && given !== '' && ctx.store.partner(given)) {
    return fail(
      sapErrors.business('R11/124', `Business partner ${given} already exists`, 'BusinessPartner'),
    )
  }
  const draft = completeRow(type, { BusinessPartnerGrouping: 'BP02', ...input.value.values })
  const checked = checkNames(draft)
  if (!checked.ok) return checked
  const missing = missingMandatory(type, draft)
  if (missing) return required(missing.name)
  const id = typeof given === 'string' && given !== '' ? given : '(new)'
  const roles: Row[] = []
  for (const [index, raw] of (input.value.children.to_BusinessPartnerRole ?? []).entries()) {
    const role = buildRole(ctx, id, raw, index)
    if (!role.ok) return role
    if (roles.some((r) => r.BusinessPartnerRole === role.value.BusinessPartnerRole)) {
      return fail(sapErrors.business('R11/658', 'BP role assigned twice', 'to_BusinessPartnerRole'))
    }
    roles.push(role.value)
  }
  const partner = id === '(new)' ? ctx.store.nextPartnerId() : id
  const stamp = ctx.store.stamp()
  const row: Row = {
    ...draft,
    ...names(draft),
    ...stampFields(stamp, 'Creation'),
    BusinessPartner: partner,
    BusinessPartnerUUID: randomUUID(),
    CreatedByUser: ctx.user,
  }
  const ownRoles = roles.map((r) => ({ ...r, BusinessPartner: partner }))
  const record = { ...withRoles(row, ownRoles, []), roles: ownRoles, stamp }
  ctx.store.putPartner(record)
  return ok({ record, change: changeOf(ctx, record.row, 'create') })
}

function commit(
  ctx: RuleContext,
  record: PartnerRecord,
  row: Row,
  roles: readonly Row[],
): PartnerWrite {
  const stamp = ctx.store.stamp()
  const next = {
    ...withRoles(
      { ...row, ...names(row), ...stampFields(stamp, 'LastChange'), LastChangedByUser: ctx.user },
      roles,
      record.salesAreas,
    ),
    roles,
    stamp,
  }
  ctx.store.putPartner(next)
  return { record: next, change: changeOf(ctx, next.row, 'update') }
}

/** PATCH/MERGE (merge) or PUT (replace) of a partner. */
export function updatePartner(
  ctx: RuleContext,
  record: PartnerRecord,
  body: unknown,
  replace: boolean,
): Outcome<PartnerWrite> {
  const type = typeOf(ctx.model, 'A_BusinessPartner')
  const input = readEntityBody(type, body, 'update')
  if (!input.ok) return input
  const values = replace ? putValues(type, input.value.values) : input.value.values
  const row = { ...record.row, ...values }
  const checked = checkNames(row)
  if (!checked.ok) return checked
  const missing = missingMandatory(type, row)
  if (missing) return required(missing.name)
  return ok(commit(ctx, record, row, record.roles))
}

/** POST A_BusinessPartnerRole, or A_BusinessPartner('…')/to_BusinessPartnerRole. */
export function addRole(
  ctx: RuleContext,
  record: PartnerRecord,
  body: unknown,
): Outcome<PartnerWrite & { role: Row }> {
  const role = buildRole(ctx, String(record.row.BusinessPartner), body, record.roles.length)
  if (!role.ok) return role
  if (record.roles.some((r) => r.BusinessPartnerRole === role.value.BusinessPartnerRole)) {
    return fail(
      sapErrors.business(
        'R11/658',
        `BP role ${String(role.value.BusinessPartnerRole)} already assigned`,
      ),
    )
  }
  return ok({ ...commit(ctx, record, record.row, [...record.roles, role.value]), role: role.value })
}

/** Builds a seeded partner (the demo company's customers and a supplier); no ledger, no event. */
export function seedPartner(model: SapModel, seed: SeedPartner, stamp: Stamp): PartnerRecord {
  const type = typeOf(model, 'A_BusinessPartner')
  const person = seed.category === '1'
  const base = completeRow(type, {
    BusinessPartner: seed.id,
    BusinessPartnerCategory: seed.category,
    BusinessPartnerGrouping: 'BP02',
    ...(person
      ? { FirstName: seed.firstName ?? '', LastName: seed.name }
      : { OrganizationBPName1: seed.name }),
    SearchTerm1: seed.name.toUpperCase().slice(0, 20),
    Language: 'EN',
    CorrespondenceLanguage: 'EN',
    BusinessPartnerIsBlocked: seed.blocked ?? false,
    BusinessPartnerIdByExtSystem: seed.extId ?? '',
    BusinessPartnerUUID: randomUUID(),
    CreatedByUser: 'SAP_SYSTEM',
    ...stampFields({ ms: stamp.ms - 30 * MS_PER_DAY, seq: 0 }, 'Creation'),
  })
  const roleType = typeOf(model, 'A_BusinessPartnerRole')
  const codes = [
    ...(seed.customer ? ['FLCU00', 'FLCU01'] : []),
    ...(seed.supplier ? ['FLVN00', 'FLVN01'] : []),
  ]
  const roles = codes.map((code) =>
    completeRow(roleType, {
      BusinessPartner: seed.id,
      BusinessPartnerRole: code,
      ValidFrom: 0,
      ValidTo: END_OF_TIME,
    }),
  )
  return { ...withRoles({ ...base, ...names(base) }, roles, []), roles, stamp }
}
