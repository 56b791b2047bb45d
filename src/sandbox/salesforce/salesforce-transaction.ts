/** @module sandbox/salesforce/salesforce-transaction — one database transaction of the org: its row changes, an undo log for allOrNone rollback, and the commit that publishes change events and ledger effects. */

import { randomUUID } from 'node:crypto'
import { toSecond } from './salesforce-clock.ts'
import type { SObjectType } from './salesforce-fields.ts'
import type { FieldValue, SalesforceRecordStore, SfRecord } from './salesforce-record-store.ts'

export type ChangeKind = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE'

export interface RecordChange {
  readonly kind: ChangeKind
  readonly before: SfRecord | null
  /** The row after the change; for DELETE, the row as it sits in the recycle bin. */
  readonly after: SfRecord
  /** A change only the system made (SystemModstamp moved, no user-visible field). */
  readonly systemOnly: boolean
}

/** Who made the change, as change events and the ledger report it. */
export interface TxOrigin {
  /** `com/salesforce/api/rest/62.0;client=X`, or '' for a change made in the UI. */
  readonly changeOrigin: string
  readonly userId: string
  /** API writes count in the effects ledger; out-of-band edits through /__sim do not. */
  readonly countsInLedger: boolean
  /** Whether the commit publishes change events (seeding can turn them off). */
  readonly publishEvents: boolean
}

export interface CommittedTransaction {
  readonly key: string
  readonly at: number
  readonly origin: TxOrigin
  readonly changes: readonly RecordChange[]
}

export interface TxDeps {
  readonly store: SalesforceRecordStore
  readonly now: () => number
  readonly onCommit: (tx: CommittedTransaction) => void
}

export class SfTransaction {
  readonly key = randomUUID()
  readonly origin: TxOrigin
  readonly #deps: TxDeps
  readonly #at: number
  #changes: RecordChange[] = []
  #undo: (() => void)[] = []
  #state: 'open' | 'committed' | 'rolled-back' = 'open'

  constructor(deps: TxDeps, origin: TxOrigin) {
    this.#deps = deps
    this.origin = origin
    this.#at = deps.now()
  }

  get changes(): readonly RecordChange[] {
    return this.#changes
  }

  insert(type: SObjectType, fields: Record<string, FieldValue>, id?: string): SfRecord {
    const at = toSecond(this.#at)
    const record: SfRecord = {
      type,
      id: id ?? this.#deps.store.nextId(type),
      fields,
      createdDate: at,
      createdById: this.origin.userId,
      lastModifiedDate: at,
      lastModifiedById: this.origin.userId,
      systemModstamp: at,
      isDeleted: false,
    }
    this.#write(record, null, 'CREATE', false)
    return record
  }

  /** A save moves LastModifiedDate even when no value changed: that is the no-op update. */
  update(record: SfRecord, fields: Record<string, FieldValue>): SfRecord {
    const at = toSecond(this.#at)
    const next: SfRecord = {
      ...record,
      fields,
      lastModifiedDate: at,
      lastModifiedById: this.origin.userId,
      systemModstamp: at,
    }
    this.#write(next, record, 'UPDATE', false)
    return next
  }

  /** A system-only change (a recalculation, a background job): SystemModstamp moves alone. */
  touch(record: SfRecord): SfRecord {
    const next: SfRecord = { ...record, systemModstamp: toSecond(this.#at) }
    this.#write(next, record, 'UPDATE', true)
    return next
  }

  /** Moves the row to the recycle bin; an Account takes its Contacts with it, as in the org. */
  delete(record: SfRecord): SfRecord[] {
    const at = toSecond(this.#at)
    const victims = [
      record,
      ...(record.type === 'Account'
        ? this.#deps.store.list('Contact').filter((c) => c.fields.AccountId === record.id)
        : []),
    ]
    return victims.map((victim) => {
      const next: SfRecord = {
        ...victim,
        isDeleted: true,
        lastModifiedDate: at,
        lastModifiedById: this.origin.userId,
        systemModstamp: at,
      }
      this.#write(next, victim, 'DELETE', false)
      return next
    })
  }

  /** Restores a row (and the Contacts deleted with an Account in the same save) from the recycle bin. */
  undelete(record: SfRecord): SfRecord[] {
    const at = toSecond(this.#at)
    const companions =
      record.type === 'Account'
        ? this.#deps.store
            .list('Contact', true)
            .filter(
              (c) =>
                c.isDeleted &&
                c.fields.AccountId === record.id &&
                c.systemModstamp === record.systemModstamp,
            )
        : []
    return [record, ...companions].map((row) => {
      const next: SfRecord = {
        ...row,
        isDeleted: false,
        lastModifiedDate: at,
        lastModifiedById: this.origin.userId,
        systemModstamp: at,
      }
      this.#write(next, row, 'UNDELETE', false)
      return next
    })
  }

  /** Undoes every change, newest first: allOrNone, or a failed save. Ids used stay used. */
  rollback(): void {
    if (this.#state !== 'open') return
    this.#state = 'rolled-back'
    for (const undo of this.#undo.reverse()) undo()
    this.#undo = []
    this.#changes = []
  }

  /** Publishes the changes (change events, ledger effects); a transaction without changes publishes nothing. */
  commit(): void {
    if (this.#state !== 'open') return
    this.#state = 'committed'
    this.#undo = []
    if (this.#changes.length === 0) return
    this.#deps.onCommit({
      key: this.key,
      at: this.#at,
      origin: this.origin,
      changes: this.#changes,
    })
  }

  #write(next: SfRecord, before: SfRecord | null, kind: ChangeKind, systemOnly: boolean): void {
    if (this.#state !== 'open') throw new Error(`transaction already ${this.#state}`)
    const store = this.#deps.store
    const previous = store.replace(next.type, next.id, next)
    this.#undo.push(() => store.replace(next.type, next.id, previous))
    this.#changes.push({ kind, before, after: next, systemOnly })
  }
}
