/** @module store-sql/queries/database-time-query — the database server's clock, for the hubs' shared "now". */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../database-schema.ts'

/**
 * clock_timestamp(), not now(): now() is frozen at the start of the transaction, and this reading
 * is timed against its round trip. float8 keeps the microseconds and comes back as a JS number.
 */
export async function databaseTime(db: Kysely<Database>): Promise<number> {
  const result = await sql<{
    now_ms: number
  }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms`.execute(db)
  const value = Number(result.rows[0]?.now_ms)
  if (!Number.isFinite(value)) throw new Error('the database returned no clock reading')
  return value
}
