/** @module store-postgres/table-upkeep — the hub analyzes and vacuums its own queue tables when the server's autovacuum is off.
 *
 * PostgreSQL plans many of the hub's statements once per session from the statistics it has at
 * that moment, including the foreign-key checks of every inserted run. With autovacuum off (as on
 * some managed and CI servers) a table keeps the statistics of its empty self forever: measured
 * in the 100,000-order drain benchmark, ingest fell from ~1,250 to ~125 orders/s as the inbox
 * grew, because each check walked every index entry of the tenant, and one ANALYZE brought it
 * straight back. Dead rows pile up the same way, so every claim walks past them. This does what
 * autovacuum would, with its default thresholds, for the tables the hub churns, and only when the
 * server does not. ANALYZE also invalidates the cached plans, so every session re-plans.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../store-sql/database-schema.ts'

/** The tables the hub writes on every event; the others change at human pace. */
export const CHURNED_TABLES = [
  'inbox_messages',
  'flow_runs',
  'flow_steps',
  'sync_ledger',
  'entity_versions',
  'dead_letters',
] as const

/** autovacuum's defaults: act once 50 rows plus a fraction of the table changed. */
const BASE_THRESHOLD = 50
const ANALYZE_SCALE = 0.1
const VACUUM_SCALE = 0.2
const CHECK_EVERY_MS = 5_000

interface TableActivity {
  relname: string
  live: string
  dead: string
  modified: string
}

export interface TableUpkeep {
  stop(): Promise<void>
}

/** What is due for one table, by autovacuum's rules. */
export function upkeepDue(
  live: number,
  dead: number,
  modifiedSinceAnalyze: number,
): 'vacuum' | 'analyze' | null {
  if (dead > BASE_THRESHOLD + VACUUM_SCALE * live) return 'vacuum'
  if (modifiedSinceAnalyze > BASE_THRESHOLD + ANALYZE_SCALE * live) return 'analyze'
  return null
}

/** One pass: reads the activity counters of the hub's schema and vacuums or analyzes what is due. */
export async function upkeepPass(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<TableActivity>`
    select relname, n_live_tup::text as live, n_dead_tup::text as dead,
           n_mod_since_analyze::text as modified
    from pg_stat_user_tables
    where schemaname = current_schema() and relname = any(${[...CHURNED_TABLES]}::text[])
  `.execute(db)
  const done: string[] = []
  for (const row of rows) {
    const due = upkeepDue(Number(row.live), Number(row.dead), Number(row.modified))
    if (due === null) continue
    // Identifiers cannot be parameters; the name comes from CHURNED_TABLES, never from input.
    const table = sql.id(row.relname)
    await (due === 'vacuum'
      ? sql`vacuum (analyze) ${table}`.execute(db)
      : sql`analyze ${table}`.execute(db))
    done.push(`${due} ${row.relname}`)
  }
  return done
}

/**
 * Checks every few seconds whether the server's autovacuum is off (once known, remembered) and,
 * if so, runs a pass. Best effort: a failed check or pass (the database restarting, the tables not
 * migrated yet) only waits for the next tick.
 */
export function startTableUpkeep(db: Kysely<Database>): TableUpkeep {
  let stopped = false
  let autovacuumOff: boolean | undefined
  let running: Promise<unknown> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const tick = async (): Promise<void> => {
    if (autovacuumOff === undefined) {
      const { rows } = await sql<{ setting: string }>`
        select current_setting('autovacuum') as setting
      `.execute(db)
      autovacuumOff = rows[0]?.setting === 'off'
    }
    if (autovacuumOff) await upkeepPass(db)
  }
  const schedule = (): void => {
    if (stopped || autovacuumOff === false) return
    timer = setTimeout(() => {
      running = tick()
        .catch(() => undefined)
        .finally(schedule)
    }, CHECK_EVERY_MS)
    timer.unref()
  }
  schedule()
  return {
    async stop() {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
      await running.catch(() => undefined)
    },
  }
}
