/** @module store-sql/queries/run-get-query — one run with its steps. */
import { sql, type Kysely } from 'kysely'
import type { RunRecord, StepRecord } from '../../store/store-contract.ts'
import type { Database, FlowRunRow } from '../database-schema.ts'
import { mapRun } from '../sql-row-mapper.ts'
import { stepsOfRuns } from './run-steps-query.ts'

export async function runGet(
  db: Kysely<Database>,
  params: { tenantId: string; runId: string },
): Promise<(RunRecord & { steps: StepRecord[] }) | undefined> {
  const result = await sql<FlowRunRow>`
    select * from flow_runs where tenant_id = ${params.tenantId} and id = ${params.runId}
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined) return undefined
  const run = mapRun(row)
  const steps = await stepsOfRuns(db, params.tenantId, [run.id])
  return { ...run, steps: steps.get(run.id) ?? [] }
}
