/** @module store-sql/sql-store — the one `Store` implementation; the drivers only build its Kysely. */
import type { Kysely } from 'kysely'
import { BREAK_TRANSITIONS, isRecordId, MAX_RECORD_ID } from '../store/store-contract.ts'
import type { Store } from '../store/store-contract.ts'
import type { Database } from './database-schema.ts'
import { assessDurability, readDurabilitySettings } from './durability-policy.ts'
import { runMigrations } from './migration-runner.ts'
import { auditAppend } from './queries/audit-append-query.ts'
import { auditList } from './queries/audit-list-query.ts'
import { crossReferenceFind } from './queries/cross-reference-find-query.ts'
import { entityVersionGet } from './queries/entity-version-query.ts'
import { databaseTime } from './queries/database-time-query.ts'
import { deadLetterList } from './queries/dead-letter-list-query.ts'
import { createGroupCommit, createInboxGroupCommit } from './statement-group-commit.ts'
import { KeyedMutex, runUnderCredentialLock, type CrossProcessLock } from './credential-lock.ts'
import { credentialTokenGet } from './queries/credential-token-get-query.ts'
import { credentialTokenPut } from './queries/credential-token-put-query.ts'
import { inboxIngestBatch } from './queries/inbox-ingest-query.ts'
import { runClaim } from './queries/run-claim-query.ts'
import { runCompleteBatch } from './queries/run-complete-query.ts'
import { runDeadLetter } from './queries/run-dead-letter-query.ts'
import { runGet } from './queries/run-get-query.ts'
import { runHeartbeat } from './queries/run-heartbeat-query.ts'
import { runList } from './queries/run-list-query.ts'
import { runReplay } from './queries/run-replay-query.ts'
import { runReplayWindow } from './queries/run-replay-window-query.ts'
import { runRetry } from './queries/run-retry-query.ts'
import { statsGet } from './queries/stats-get-query.ts'
import { sliSnapshot } from './queries/sli-snapshot-query.ts'
import { flowHealth } from './queries/flow-health-query.ts'
import { stepComplete } from './queries/step-complete-query.ts'
import { stepFail } from './queries/step-fail-query.ts'
import { stepStartBatch } from './queries/step-start-query.ts'
import { eventSignal } from './queries/event-signal-query.ts'
import {
  approvalDecide,
  approvalEscalate,
  approvalExpire,
  approvalList,
  approvalOpen,
} from './queries/approval-task-query.ts'
import { runWait } from './queries/run-wait-query.ts'
import {
  reconciliationBreakAdd,
  reconciliationBreakList,
  reconciliationBreakMove,
} from './queries/reconciliation-break-query.ts'
import {
  reconciliationRunBegin,
  reconciliationRunFinish,
  reconciliationRunGet,
  reconciliationRunStart,
} from './queries/reconciliation-run-query.ts'
import { reconciliationSummary } from './queries/reconciliation-summary-query.ts'
import { syncWatermarkGet, syncWatermarkPut } from './queries/sync-watermark-query.ts'
import { isRetryableConflict, isUnavailable, withStoreRetry } from './sql-error-policy.ts'

export interface SqlStoreOptions {
  driver: Store['driver']
  db: Kysely<Database>
  /** The schema every connection's search_path points at (created by `migrate` if missing). */
  schema: string
  /** Driver teardown after the Kysely instance is destroyed, e.g. releasing the data-folder lock. */
  onClose?: () => Promise<void>
  /** Tests point this at a copy of the migrations folder. */
  migrationsDir?: URL | string
  /**
   * Ingest batches committing at once (group commit). Default 1: the next batch gathers every
   * webhook that arrives while one commits. Measured on 2 cores (CHANGELOG, issue 4), 4 batches
   * in flight cost PostgreSQL 30% more CPU per webhook and quadrupled p50 near the sustained rate.
   */
  ingestConcurrency?: number
  /**
   * Group-committed batches of each kind (step starts, run completions) committing at once.
   * Default 1, for the same reason.
   */
  batchConcurrency?: number
  /**
   * Group commits send a batch one event-loop turn after its first write (see
   * `GroupCommitOptions.gatherTurn`): for a store that runs in this thread.
   */
  gatherTurn?: boolean
  /**
   * The cross-process half of the credential refresh lock, for a database other processes share.
   * Without it the lock is in-process only, which is whole for a database one process owns.
   */
  credentialLock?: CrossProcessLock
}

/**
 * Ids are bigint columns exposed as strings (isRecordId). A run id that is not one can match no
 * row, so it is answered as "not found" instead of being sent to the database to fail a cast. A
 * page bound that is not one is the caller's mistake: the gateway validates it with the same rule.
 */
function checkedBeforeId(beforeId: string | undefined): void {
  if (beforeId !== undefined && !isRecordId(beforeId)) {
    throw new RangeError(
      `beforeId must be a record id (1 to ${MAX_RECORD_ID}), got '${beforeId.slice(0, 40)}'`,
    )
  }
}

/** A batch's failure that is every caller's: the database is away, or a conflict outlasted retries. */
function wholeBatchFault(error: unknown): boolean {
  return isUnavailable(error) || isRetryableConflict(error)
}

export function createSqlStore(options: SqlStoreOptions): Store {
  const { db } = options
  let closed = false

  const statement = <T>(
    operation: string,
    work: (db: Kysely<Database>) => Promise<T>,
  ): Promise<T> => withStoreRetry(operation, () => work(db))
  const transaction = <T>(
    operation: string,
    work: (trx: Kysely<Database>) => Promise<T>,
  ): Promise<T> => withStoreRetry(operation, () => db.transaction().execute(work))

  const credentialLocks = new KeyedMutex()

  const inbox = createInboxGroupCommit({
    commit: (batch) => withStoreRetry('inboxIngest', () => inboxIngestBatch(db, batch)),
    maxInFlight: options.ingestConcurrency ?? 1,
    maxBatch: 500,
    maxBatchBytes: 8 * 2 ** 20,
    failsWholeBatch: wholeBatchFault,
    gatherTurn: options.gatherTurn ?? false,
  })
  // Step starts and run completions group-commit too: under load the runs starting a delivery or
  // finishing in the same moment share one statement and one WAL flush instead of each paying its
  // own. A batch the database refuses for one run's sake is retried run by run.
  const acrossRuns = <P, R>(
    operation: string,
    query: (db: Kysely<Database>, batch: readonly P[]) => Promise<R[]>,
  ) =>
    createGroupCommit({
      commit: (batch: readonly P[]) => withStoreRetry(operation, () => query(db, batch)),
      maxInFlight: options.batchConcurrency ?? 1,
      maxBatch: 200,
      failsWholeBatch: wholeBatchFault,
      gatherTurn: options.gatherTurn ?? false,
    })
  const starts = acrossRuns('stepStart', stepStartBatch)
  const completions = acrossRuns('runComplete', runCompleteBatch)

  return {
    driver: options.driver,

    migrate: () =>
      withStoreRetry('migrate', () =>
        runMigrations(db, {
          schema: options.schema,
          ...(options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir }),
        }),
      ),

    durabilityCheck: () =>
      statement('durabilityCheck', async (conn) =>
        assessDurability(options.driver, await readDurabilitySettings(conn)),
      ),

    ping: () =>
      statement('ping', async (conn) => {
        await conn.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
      }),

    databaseTime: () => statement('databaseTime', databaseTime),

    async close() {
      if (closed) return
      closed = true
      try {
        await options.credentialLock?.close()
        await db.destroy()
      } finally {
        await options.onClose?.()
      }
    },

    inboxIngest: (params, options) => inbox.ingest(params, options?.signal),

    runClaim: (params) => statement('runClaim', (conn) => runClaim(conn, params)),
    runHeartbeat: (params) =>
      isRecordId(params.runId)
        ? statement('runHeartbeat', (conn) => runHeartbeat(conn, params))
        : Promise.resolve(false),
    runComplete: (params) =>
      isRecordId(params.runId) ? completions.submit(params) : Promise.resolve(false),
    runRetry: (params) =>
      isRecordId(params.runId)
        ? statement('runRetry', (conn) => runRetry(conn, params))
        : Promise.resolve(false),
    runDeadLetter: (params) =>
      isRecordId(params.runId)
        ? statement('runDeadLetter', (conn) => runDeadLetter(conn, params))
        : Promise.resolve(false),
    runReplay: (params) =>
      transaction('runReplay', async (trx) => {
        const result = await runReplay(
          trx,
          params.runIds === undefined
            ? params
            : { ...params, runIds: params.runIds.filter(isRecordId) },
        )
        if (params.audit !== undefined) {
          await auditAppend(trx, {
            tenantId: params.tenantId,
            at: params.now,
            ...params.audit,
            action: 'dlq.redrive',
            subject: params.runIds === undefined ? { all: true } : { runIds: params.runIds },
            outcome: 'ok',
            details: { replayed: result.replayed.length },
          })
        }
        return result
      }),
    runReplayWindow: (params) =>
      transaction('runReplayWindow', (trx) => runReplayWindow(trx, params)),
    runGet: (params) =>
      isRecordId(params.runId)
        ? statement('runGet', (conn) => runGet(conn, params))
        : Promise.resolve(undefined),
    runList: async (params) => {
      checkedBeforeId(params.beforeId)
      if (params.limit <= 0) return []
      return statement('runList', (conn) => runList(conn, params))
    },

    stepStart: (params) =>
      isRecordId(params.runId)
        ? starts.submit(params)
        : Promise.resolve({ held: false, started: false, appliedVersion: null }),
    runWait: (params) =>
      isRecordId(params.runId)
        ? transaction('runWait', (trx) => runWait(trx, params))
        : Promise.resolve({ held: false }),
    eventSignal: (params) => transaction('eventSignal', (trx) => eventSignal(trx, params)),

    approvalOpen: (params) =>
      isRecordId(params.runId)
        ? statement('approvalOpen', (conn) => approvalOpen(conn, params))
        : Promise.resolve({ held: false, task: null }),
    approvalEscalate: (params) =>
      isRecordId(params.runId) && isRecordId(params.taskId)
        ? statement('approvalEscalate', (conn) => approvalEscalate(conn, params))
        : Promise.resolve(false),
    approvalExpire: (params) =>
      isRecordId(params.runId) && isRecordId(params.taskId)
        ? statement('approvalExpire', (conn) => approvalExpire(conn, params))
        : Promise.resolve(false),
    approvalList: async (params) => {
      checkedBeforeId(params.beforeId)
      if (params.limit <= 0) return []
      return statement('approvalList', (conn) => approvalList(conn, params))
    },
    approvalDecide: (params) =>
      isRecordId(params.taskId)
        ? transaction('approvalDecide', (trx) => approvalDecide(trx, params))
        : Promise.resolve({ outcome: 'not_found' as const }),

    reconciliationRunStart: (params) =>
      statement('reconciliationRunStart', (conn) => reconciliationRunStart(conn, params)),
    reconciliationRunBegin: (params) =>
      transaction('reconciliationRunBegin', (trx) =>
        reconciliationRunBegin(trx, { ...params, schema: options.schema }),
      ),
    reconciliationRunGet: (params) =>
      isRecordId(params.runId)
        ? statement('reconciliationRunGet', (conn) => reconciliationRunGet(conn, params))
        : Promise.resolve(null),
    reconciliationRunFinish: (params) =>
      isRecordId(params.runId)
        ? statement('reconciliationRunFinish', (conn) => reconciliationRunFinish(conn, params))
        : Promise.resolve(null),
    reconciliationBreakAdd: (params) =>
      isRecordId(params.runId)
        ? statement('reconciliationBreakAdd', (conn) => reconciliationBreakAdd(conn, params))
        : Promise.resolve([]),
    reconciliationBreakMove: (params) =>
      isRecordId(params.breakId) && BREAK_TRANSITIONS[params.from].includes(params.to)
        ? statement('reconciliationBreakMove', (conn) => reconciliationBreakMove(conn, params))
        : Promise.resolve(null),
    reconciliationBreakList: async (params) => {
      checkedBeforeId(params.beforeId)
      if (params.limit <= 0 || (params.runId !== undefined && !isRecordId(params.runId))) return []
      return statement('reconciliationBreakList', (conn) => reconciliationBreakList(conn, params))
    },
    reconciliationSummary: (params) =>
      statement('reconciliationSummary', (conn) => reconciliationSummary(conn, params)),
    stepComplete: (params) =>
      isRecordId(params.runId)
        ? statement('stepComplete', (conn) => stepComplete(conn, params))
        : Promise.resolve(false),
    stepFail: (params) =>
      isRecordId(params.runId)
        ? statement('stepFail', (conn) => stepFail(conn, params))
        : Promise.resolve(false),

    deadLetterList: async (params) => {
      checkedBeforeId(params.beforeId)
      if (params.limit <= 0) return []
      return statement('deadLetterList', (conn) => deadLetterList(conn, params))
    },

    auditList: async (params) => {
      checkedBeforeId(params.beforeId)
      if (params.limit <= 0) return []
      return statement('auditList', (conn) => auditList(conn, params))
    },

    crossReferenceFind: (params) =>
      params.limit <= 0
        ? Promise.resolve([])
        : statement('crossReferenceFind', (conn) => crossReferenceFind(conn, params)),

    entityVersionGet: (params) =>
      statement('entityVersionGet', (conn) => entityVersionGet(conn, params)),

    statsGet: (params) => statement('statsGet', (conn) => statsGet(conn, params)),
    sliSnapshot: (params) => statement('sliSnapshot', (conn) => sliSnapshot(conn, params)),
    flowHealth: (params) => statement('flowHealth', (conn) => flowHealth(conn, params)),

    syncWatermarkGet: (params) =>
      statement('syncWatermarkGet', (conn) => syncWatermarkGet(conn, params)),
    syncWatermarkPut: (params) =>
      statement('syncWatermarkPut', (conn) => syncWatermarkPut(conn, params)),
    auditAppend: (params) => statement('auditAppend', (conn) => auditAppend(conn, params)),

    credentialTokenGet: (params) =>
      statement('credentialTokenGet', (conn) => credentialTokenGet(conn, params)),
    credentialTokenPut: (params) =>
      statement('credentialTokenPut', (conn) => credentialTokenPut(conn, params)),
    credentialTokenLock: (params, work) =>
      runUnderCredentialLock(
        {
          // The schema is part of the key: hubs on other schemas of the database never contend.
          lockKey: JSON.stringify([options.schema, params.tenantId, params.credentialKey]),
          waitMs: params.waitMs,
          holdMs: params.holdMs,
          local: credentialLocks,
          crossProcess: options.credentialLock,
        },
        work,
      ),
  }
}
