/** @module sandbox/salesforce/salesforce-cdc-events — change events as CometD delivers them: ChangeEventHeader, compound fields, changed/nulled fields, merging within a transaction, gap and overflow events. */

import { randomUUID } from 'node:crypto'
import type { EventDraft } from './salesforce-cdc-log.ts'
import { ADDRESS_COMPONENTS, ADDRESS_GROUPS } from './salesforce-fields.ts'
import type { SObjectType } from './salesforce-fields.ts'
import { EMPTY_ID } from './salesforce-ids.ts'
import type { FieldValue, SfRecord } from './salesforce-record-store.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'
import type { ChangeKind, CommittedTransaction, RecordChange } from './salesforce-transaction.ts'

export const GAP_CHANGE_TYPES = ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE'] as const
export type GapChangeType = (typeof GAP_CHANGE_TYPES)[number]
export type ChangeType = ChangeKind | GapChangeType | 'GAP_OVERFLOW'

export interface ChangeEventHeader {
  readonly entityName: SObjectType
  readonly recordIds: readonly string[]
  readonly changeType: ChangeType
  readonly changeOrigin: string
  readonly transactionKey: string
  readonly sequenceNumber: number
  readonly commitTimestamp: number
  readonly commitNumber: number
  readonly commitUser: string
  readonly nulledFields: readonly string[]
  readonly diffFields: readonly string[]
  readonly changedFields: readonly string[]
}

/** CometD JSON carries datetimes to the second, in UTC with a Z. */
const cdcDateTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Stored fields never shown in an event body: ids, flags and Contact's computed Name string. */
const HIDDEN = new Set(['Id', 'IsDeleted', 'SystemModstamp'])

/**
 * Groups flat fields into the compound shapes change events use: `BillingAddress: {City, …}`,
 * and on Contact `Name: {Salutation, FirstName, LastName}`. Returns the body and the field
 * paths (`BillingAddress.City`) in it.
 */
function compound(
  type: SObjectType,
  flat: Readonly<Record<string, FieldValue>>,
): { body: Record<string, unknown>; paths: string[] } {
  const body: Record<string, unknown> = {}
  const paths: string[] = []
  const put = (group: string, component: string, value: FieldValue): void => {
    const holder = (body[group] ??= {}) as Record<string, FieldValue>
    holder[component] = value
    paths.push(`${group}.${component}`)
  }
  for (const [name, value] of Object.entries(flat)) {
    if (HIDDEN.has(name) || (type === 'Contact' && name === 'Name')) continue
    const group = ADDRESS_GROUPS[type].find(
      (g) => name.startsWith(g.prefix) && ADDRESS_COMPONENTS.some((c) => name === g.prefix + c),
    )
    if (group) put(group.name, name.slice(group.prefix.length), value)
    else if (type === 'Contact' && ['Salutation', 'FirstName', 'LastName'].includes(name)) {
      put('Name', name, value)
    } else {
      body[name] = value
      paths.push(name)
    }
  }
  return { body, paths }
}

const nonEmpty = (fields: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== ''))

function fullBody(record: SfRecord): Record<string, unknown> {
  return {
    ...compound(record.type, nonEmpty(record.fields)).body,
    CreatedDate: cdcDateTime(record.createdDate),
    CreatedById: record.createdById,
    LastModifiedDate: cdcDateTime(record.lastModifiedDate),
    LastModifiedById: record.lastModifiedById,
  }
}

interface Built {
  readonly header: Omit<ChangeEventHeader, 'recordIds' | 'sequenceNumber'>
  readonly body: Record<string, unknown>
}

function build(tx: CommittedTransaction, change: RecordChange, commitNumber: number): Built {
  const { after, before } = change
  const base = {
    entityName: after.type,
    changeType: change.kind,
    changeOrigin: tx.origin.changeOrigin,
    transactionKey: tx.key,
    commitTimestamp: tx.at,
    commitNumber,
    commitUser: tx.origin.userId,
    diffFields: [] as string[],
  }
  if (change.kind === 'DELETE') {
    return { header: { ...base, nulledFields: [], changedFields: [] }, body: {} }
  }
  if (change.kind !== 'UPDATE' || !before) {
    return { header: { ...base, nulledFields: [], changedFields: [] }, body: fullBody(after) }
  }
  if (change.systemOnly) {
    return { header: { ...base, nulledFields: [], changedFields: ['SystemModstamp'] }, body: {} }
  }
  const changed: Record<string, FieldValue> = {}
  for (const name of new Set([...Object.keys(before.fields), ...Object.keys(after.fields)])) {
    const was = before.fields[name] ?? null
    const now = after.fields[name] ?? null
    if (was !== now) changed[name] = now
  }
  const { body, paths } = compound(after.type, changed)
  const nulled = compound(
    after.type,
    Object.fromEntries(Object.entries(changed).filter(([, v]) => v === null)),
  ).paths
  body.LastModifiedDate = cdcDateTime(after.lastModifiedDate)
  const changedFields = [...paths, 'LastModifiedDate']
  if (after.lastModifiedById !== before.lastModifiedById) {
    body.LastModifiedById = after.lastModifiedById
    changedFields.push('LastModifiedById')
  }
  return { header: { ...base, nulledFields: nulled, changedFields }, body }
}

/**
 * The events of one committed transaction, in commit order. Changes of the same kind to the same
 * entity with identical contents are merged into one event listing every record id, as
 * Salesforce does for a mass update; the merged event keeps the first change's sequence number.
 */
export function changeEventsOf(
  schema: SalesforceSchema,
  tx: CommittedTransaction,
  commitNumber: number,
): EventDraft[] {
  const merged: { key: string; recordIds: string[]; sequenceNumber: number; built: Built }[] = []
  tx.changes.forEach((change, i) => {
    const built = build(tx, change, commitNumber)
    const key = JSON.stringify([built.header, built.body])
    const twin = merged.find((m) => m.key === key)
    if (twin) twin.recordIds.push(change.after.id)
    else merged.push({ key, recordIds: [change.after.id], sequenceNumber: i + 1, built })
  })
  return merged.map(({ recordIds, sequenceNumber, built }) => {
    const header: ChangeEventHeader = { ...built.header, recordIds, sequenceNumber }
    const { entityName, changeType, changeOrigin, transactionKey, commitTimestamp } = header
    return {
      entity: entityName,
      schema: schema.schemaId(entityName),
      payload: {
        ChangeEventHeader: {
          entityName,
          recordIds,
          changeType,
          changeOrigin,
          transactionKey,
          sequenceNumber,
          commitTimestamp,
          commitNumber: header.commitNumber,
          commitUser: header.commitUser,
          nulledFields: header.nulledFields,
          diffFields: header.diffFields,
          changedFields: header.changedFields,
        },
        ...built.body,
      },
    }
  })
}

export interface GapSpec {
  readonly entity: SObjectType
  readonly changeType: GapChangeType | 'GAP_OVERFLOW'
  /** Record ids (or a `001*` wildcard); an overflow event always carries the empty id. */
  readonly recordIds?: readonly string[]
}

/** A gap or overflow event: header only, no field data; the subscriber must re-read the records. */
export function gapEvent(
  schema: SalesforceSchema,
  spec: GapSpec,
  at: number,
  commitNumber: number,
  userId: string,
): EventDraft {
  const recordIds = spec.changeType === 'GAP_OVERFLOW' ? [EMPTY_ID] : [...(spec.recordIds ?? [])]
  return {
    entity: spec.entity,
    schema: schema.schemaId(spec.entity),
    payload: {
      ChangeEventHeader: {
        entityName: spec.entity,
        recordIds,
        changeType: spec.changeType,
        changeOrigin: '',
        transactionKey: randomUUID(),
        sequenceNumber: 1,
        commitTimestamp: at,
        commitNumber,
        commitUser: userId,
        nulledFields: [],
        diffFields: [],
        changedFields: [],
      },
    },
  }
}
