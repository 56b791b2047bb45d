// The Jepsen-style history of an order campaign: the producer's sends and acks, the hub's terminal
// run states and the target's applications, one NDJSON file per process, checked by
// src/reliability/history (lost, duplicated, stuck, regressions, DLQ correctness).
import { join } from 'node:path'
import { checkHistory, type CheckResult } from '../../../src/reliability/history/history-checker.ts'
import { HistoryRecorder, readHistory } from '../../../src/reliability/history/history-recorder.ts'
import type { LedgerSnapshot } from '../../../src/sandbox/kit/effects-ledger.ts'
import { adminQuery } from './campaign-kit.ts'
import type { DeliveryOutcome } from './webhook-replayer.ts'

const ORDER_KEY = /^SHOPIFY-O-/

/** Writes the three histories and checks them against the ledger rule. */
export async function checkOrderHistory(options: {
  dir: string
  outcomes: readonly DeliveryOutcome[]
  databaseUrl: string
  ledger: LedgerSnapshot
  deadlineMs: number
}): Promise<CheckResult> {
  const paths = ['producer', 'hub', 'target'].map((p) => join(options.dir, `${p}.ndjson`))
  const [producer, hub, target] = paths.map(
    (path, i) =>
      new HistoryRecorder({ path, process: ['producer', 'hub', 'target:netsuite'][i] ?? '' }),
  ) as [HistoryRecorder, HistoryRecorder, HistoryRecorder]

  for (const { planned, status, sentAt, answeredAt } of options.outcomes) {
    const { orderId: key, version } = planned.webhook
    producer.invoke('ingest', key, { version, at: sentAt })
    // No answer at all is ambiguous (`info`): the event may or may not have been stored.
    const type = status === 200 ? 'ok' : status === 0 ? 'info' : 'fail'
    const detail = { status, kind: planned.kind }
    producer.record({ type, op: 'ingest', key, version, at: answeredAt, detail })
  }

  const runs = await adminQuery(
    options.databaseUrl,
    `select r.id::text as run_id, r.state, r.updated_at::text as at,
            (i.payload::jsonb)->>'id' as key, (i.payload::jsonb)->>'updated_at' as version
       from flow_runs r join inbox_messages i on i.tenant_id = r.tenant_id and i.id = r.inbox_id`,
  )
  for (const row of runs.rows as {
    run_id: string
    state: string
    at: string
    key: string
    version: string
  }[]) {
    hub.record({
      type: 'ok',
      op: 'terminal',
      key: row.key,
      version: row.version,
      value: row.state,
      at: Number(row.at),
      detail: { runId: row.run_id },
    })
  }

  for (const effect of options.ledger.effects) {
    if (!ORDER_KEY.test(effect.businessKey)) continue
    const key = effect.businessKey.replace(ORDER_KEY, '')
    for (const [version, writes] of Object.entries(effect.writesByVersion)) {
      for (let i = 0; i < writes; i += 1) target.ok('apply', key, { version })
    }
  }
  for (const recorder of [producer, hub, target]) recorder.close()

  return checkHistory(await readHistory(paths), {
    ledger: {
      ...options.ledger,
      effects: options.ledger.effects.filter((e) => ORDER_KEY.test(e.businessKey)),
    },
    ledgerKeyOf: (effect) => effect.businessKey.replace(ORDER_KEY, ''),
    deadlineMs: options.deadlineMs,
    expectedDeadKeys: [],
  })
}
