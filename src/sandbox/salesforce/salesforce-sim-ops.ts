/** @module sandbox/salesforce/salesforce-sim-ops — what a test does to the org out of band (a user's edits in the UI, seeding, schema drift, validation rules, injected gap events), in process and behind /__sim. */

import type { CdcEvent, CdcLog, ReplayRead } from './salesforce-cdc-log.ts'
import { ALL_CHANGE_EVENTS } from './salesforce-cdc-log.ts'
import { gapEvent } from './salesforce-cdc-events.ts'
import type { GapSpec } from './salesforce-cdc-events.ts'
import type { CometdClientView, CometdServer } from './salesforce-cometd.ts'
import type { Refusal } from './salesforce-errors.ts'
import type { FieldDef, FieldSpec, SObjectType } from './salesforce-fields.ts'
import type { SalesforceRecordStore, SfRecord } from './salesforce-record-store.ts'
import { prepareFields } from './salesforce-record-rules.ts'
import type { RuleContext, ValidationRule } from './salesforce-record-rules.ts'
import { renderRecord } from './salesforce-record-view.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'
import type { SfTransaction, TxOrigin } from './salesforce-transaction.ts'

/** A row as a test sees it: the REST shape (with `attributes`), every field present. */
export type SalesforceRecordView = Readonly<Record<string, unknown>>

/** Thrown when an out-of-band save breaks a rule; carries Salesforce's error items. */
export class SaveRefusedError extends Error {
  readonly refusal: Refusal
  constructor(refusal: Refusal) {
    super(`save refused: ${refusal.errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ')}`)
    this.refusal = refusal
  }
}

export interface UiWriteOptions {
  /** Publish change events for the write (default true); turn off to seed thousands of rows quietly. */
  readonly events?: boolean
}

export interface SalesforceRecordAccess {
  list(type: SObjectType, includeDeleted?: boolean): SalesforceRecordView[]
  get(type: SObjectType, id: string): SalesforceRecordView | undefined
  byExternalId(type: SObjectType, field: string, value: string): SalesforceRecordView[]
  /**
   * A user's save in the UI: creates the row, or updates it when `fields.Id` names one. Record
   * rules apply; change events carry an empty changeOrigin; the effects ledger is not touched.
   */
  put(
    type: SObjectType,
    fields: Readonly<Record<string, unknown>>,
    options?: UiWriteOptions,
  ): SalesforceRecordView
  /** Many creates in one transaction (one transactionKey for their events). */
  seed(
    type: SObjectType,
    rows: readonly Readonly<Record<string, unknown>>[],
    options?: UiWriteOptions,
  ): string[]
  remove(type: SObjectType, id: string): boolean
  undelete(type: SObjectType, id: string): boolean
  /** A system-only change (SystemModstamp moves, no field does), e.g. a background recalculation. */
  touch(type: SObjectType, id: string): boolean
}

export interface SalesforceCdcAccess {
  /** The pull view of the bus: events of `channel` after `replayId` (-1 none, -2 all retained). */
  events(channel?: string, replayId?: number, limit?: number): ReplayRead
  readonly latestReplayId: number
  gap(spec: GapSpec): CdcEvent
  overflow(entity: SObjectType): CdcEvent
  /** Pushes retained events after `replayId` to CometD subscribers again (a redelivery). */
  redeliver(replayId: number): number
  /** Forgets every CometD client, as a server restart would; they handshake and resubscribe. */
  dropClients(): number
  clients(): CometdClientView[]
}

export interface SalesforceSchemaAccess {
  addField(type: SObjectType, spec: FieldSpec): FieldDef
  deactivatePicklistValue(type: SObjectType, field: string, value: string): boolean
  addValidationRule(rule: ValidationRule): void
  validationRules(): readonly ValidationRule[]
}

export interface SimOpsDeps {
  readonly schema: SalesforceSchema
  readonly store: SalesforceRecordStore
  readonly rules: () => RuleContext
  readonly validationRules: ValidationRule[]
  readonly log: CdcLog
  readonly cometd: CometdServer
  readonly version: string
  readonly adminUserId: string
  readonly now: () => number
  readonly nextCommitNumber: () => number
  readonly begin: (origin: TxOrigin) => SfTransaction
}

export function simOperations(deps: SimOpsDeps): {
  records: SalesforceRecordAccess
  cdc: SalesforceCdcAccess
  schema: SalesforceSchemaAccess
} {
  const view = (r: SfRecord): SalesforceRecordView => renderRecord(deps.schema, deps.version, r)
  const ui = (options: UiWriteOptions = {}): SfTransaction =>
    deps.begin({
      changeOrigin: '',
      userId: deps.adminUserId,
      countsInLedger: false,
      publishEvents: options.events !== false,
    })
  /** Runs one UI save: commits on success, rolls back and throws on a refused row. */
  const save = <T>(options: UiWriteOptions | undefined, work: (tx: SfTransaction) => T): T => {
    const tx = ui(options)
    try {
      const result = work(tx)
      tx.commit()
      return result
    } catch (error) {
      tx.rollback()
      throw error
    }
  }
  const write = (
    tx: SfTransaction,
    type: SObjectType,
    fields: Readonly<Record<string, unknown>>,
  ): SfRecord => {
    const { Id, ...rest } = fields
    const existing = typeof Id === 'string' ? deps.store.get(type, Id) : undefined
    if (typeof Id === 'string' && (!existing || existing.isDeleted)) {
      throw new Error(`no live ${type} ${Id}`)
    }
    const prepared = prepareFields(deps.rules(), type, rest, existing ?? null, deps.adminUserId)
    if (!prepared.ok) throw new SaveRefusedError(prepared.refusal)
    return existing ? tx.update(existing, prepared.fields) : tx.insert(type, prepared.fields)
  }
  const live = (type: SObjectType, id: string): SfRecord | undefined => {
    const found = deps.store.get(type, id)
    return found && !found.isDeleted ? found : undefined
  }
  const publishGap = (spec: GapSpec): CdcEvent => {
    const [event] = deps.log.publish([
      gapEvent(deps.schema, spec, deps.now(), deps.nextCommitNumber(), deps.adminUserId),
    ])
    if (!event) throw new Error('gap event was not published')
    return event
  }

  const records: SalesforceRecordAccess = {
    list: (type, includeDeleted = false) => deps.store.list(type, includeDeleted).map(view),
    get: (type, id) => {
      const found = deps.store.get(type, id)
      return found && view(found)
    },
    byExternalId: (type, field, value) => deps.store.byExternalId(type, field, value).map(view),
    put: (type, fields, options) => view(save(options, (tx) => write(tx, type, fields))),
    seed: (type, rows, options) =>
      save(options, (tx) => rows.map((row) => write(tx, type, row).id)),
    remove: (type, id) => {
      const found = live(type, id)
      if (!found) return false
      save(undefined, (tx) => tx.delete(found))
      return true
    },
    undelete: (type, id) => {
      const found = deps.store.get(type, id)
      if (!found?.isDeleted) return false
      save(undefined, (tx) => tx.undelete(found))
      return true
    },
    touch: (type, id) => {
      const found = live(type, id)
      if (!found) return false
      save(undefined, (tx) => tx.touch(found))
      return true
    },
  }

  const cdc: SalesforceCdcAccess = {
    events: (channel = ALL_CHANGE_EVENTS, replayId = -2, limit) =>
      deps.log.read(channel, replayId, limit),
    get latestReplayId() {
      return deps.log.latestReplayId
    },
    gap: (spec) => publishGap(spec),
    overflow: (entity) => publishGap({ entity, changeType: 'GAP_OVERFLOW' }),
    redeliver: (replayId) => deps.cometd.redeliver(replayId),
    dropClients: () => deps.cometd.dropAll(),
    clients: () => deps.cometd.clients(),
  }

  const schema: SalesforceSchemaAccess = {
    addField: (type, spec) => deps.schema.addField(type, spec),
    deactivatePicklistValue: (type, field, value) =>
      deps.schema.deactivatePicklistValue(type, field, value),
    addValidationRule: (rule) => {
      deps.validationRules.push(rule)
    },
    validationRules: () => [...deps.validationRules],
  }
  return { records, cdc, schema }
}
