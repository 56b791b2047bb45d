/** @module store-sql/queries/run-list-query — runs matching optional filters, newest first. */
import type { Kysely } from 'kysely'
import type { RunListParams, RunRecord } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { mapRun } from '../sql-row-mapper.ts'

export async function runList(db: Kysely<Database>, params: RunListParams): Promise<RunRecord[]> {
  let query = db.selectFrom('flow_runs').selectAll().where('tenant_id', '=', params.tenantId)
  if (params.businessKey !== undefined) query = query.where('business_key', '=', params.businessKey)
  if (params.flowName !== undefined) query = query.where('flow_name', '=', params.flowName)
  if (params.state !== undefined) query = query.where('state', '=', params.state)
  if (params.beforeId !== undefined) query = query.where('id', '<', params.beforeId)
  const rows = await query.orderBy('id', 'desc').limit(params.limit).execute()
  return rows.map(mapRun)
}
