/** @module sandbox/salesforce/salesforce-commit — what a committed transaction does beyond the rows: effects in the ledger (API writes only) and change events on the bus. */

import type { BusinessKey, EffectKind, EffectsLedger } from '../kit/effects-ledger.ts'
import { seededRandom } from '../kit/seeded-random.ts'
import { changeEventsOf } from './salesforce-cdc-events.ts'
import type { CdcLog } from './salesforce-cdc-log.ts'
import type { SfRecord } from './salesforce-record-store.ts'
import type { SalesforceSchema } from './salesforce-schema.ts'
import type { SalesforceRecordWrite } from './salesforce-simulator-options.ts'
import type { ChangeKind, CommittedTransaction } from './salesforce-transaction.ts'

const LEDGER_KIND: Readonly<Record<ChangeKind, EffectKind>> = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'delete',
  UNDELETE: 'update',
}

export interface CommitDeps {
  readonly ledger: EffectsLedger
  readonly cdcLog: CdcLog
  readonly schema: SalesforceSchema
  readonly seed: number
  /** The field whose value the ledger records as the write's source version. */
  readonly versionField: string
  /** Fields giving a row's business key, first non-empty wins; else `#<Id>`. */
  readonly keyFields: readonly string[]
  readonly onRecordWritten?: (write: SalesforceRecordWrite) => void
}

export interface CommitPublisher {
  readonly onCommit: (tx: CommittedTransaction) => void
  readonly ledgerKeyOf: (record: SfRecord) => BusinessKey
  /** The next system change number: increasing, with gaps, as commit numbers are. */
  readonly nextCommitNumber: () => number
}

export function commitPublisher(deps: CommitDeps): CommitPublisher {
  const random = seededRandom(deps.seed).fork(0xc0)
  let commitNumber = 10_716_283_339_728
  const nextCommitNumber = (): number => (commitNumber += random.int(1, 9))
  const ledgerKeyOf = (record: SfRecord): BusinessKey => {
    for (const field of deps.keyFields) {
      const value = record.fields[field]
      if (value !== undefined && value !== null && value !== '') {
        return { recordType: record.type, key: String(value) }
      }
    }
    return { recordType: record.type, key: `#${record.id}` }
  }
  const onCommit = (tx: CommittedTransaction): void => {
    if (tx.origin.countsInLedger) {
      for (const change of tx.changes) {
        const version = change.after.fields[deps.versionField]
        const key = ledgerKeyOf(change.after)
        const kind = LEDGER_KIND[change.kind]
        deps.ledger.recordEffect(key, kind, typeof version === 'string' ? version : undefined)
        deps.onRecordWritten?.({
          sobject: change.after.type,
          id: change.after.id,
          businessKey: key.key,
          kind,
          at: tx.at,
        })
      }
    }
    if (tx.origin.publishEvents) {
      deps.cdcLog.publish(changeEventsOf(deps.schema, tx, nextCommitNumber()))
    }
  }
  return { onCommit, ledgerKeyOf, nextCommitNumber }
}
