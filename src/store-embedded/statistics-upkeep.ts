/** @module store-embedded/statistics-upkeep — the embedded store refreshes the planner's
 * statistics of the tables the hub grows, when they have grown.
 *
 * PostgreSQL's autovacuum keeps statistics current; PGlite has no background workers, so without
 * this the planner keeps believing the queue tables are empty and picks nested-loop plans that
 * turn the claim query quadratic in the backlog (measured: 23 ms per claim at 300 runs). Nor does
 * PGlite keep the activity counters autovacuum decides by (`n_mod_since_analyze` stays 0), so
 * growth is judged by pages: the table's size on disk against the pages its last ANALYZE saw.
 *
 * Why not every few seconds regardless: ANALYZE samples up to 30,000 rows of each table, and on
 * PGlite it runs on the hub's own thread, so nothing else runs meanwhile. Refreshing all four
 * tables every 5 s took 150 ms per pass at 6,000 orders and stalled the hub for longer as they
 * grew (p95 propagation over 1 s at half the embedded store's sustained rate in the bench). The
 * planner scales the last ANALYZE's rows per page by the table's current pages, so a table that
 * merely grew keeps fair estimates; a refresh is due, as autovacuum's is, once a tenth of it is new.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../store-sql/database-schema.ts'

/** The tables whose statistics the hub's plans depend on, and that grow with every event. */
export const ANALYZED_TABLES = [
  'flow_runs',
  'flow_steps',
  'inbox_messages',
  'dead_letters',
] as const

/** How often sizes are compared; the comparison itself reads only the catalog and file sizes. */
export const STATISTICS_CHECK_EVERY_MS = 5_000

/** autovacuum's analyze rule, in pages: a base plus a tenth of the table. */
const BASE_PAGES = 8
const GROWTH_SCALE = 0.1

/** Whether a table of `pages` now, `analyzedPages` at its last ANALYZE, needs one. */
export function analyzeDue(pages: number, analyzedPages: number): boolean {
  if (pages === 0) return false
  // Never analyzed with rows in it (relpages 0): the planner believes it empty.
  if (analyzedPages <= 0) return true
  return Math.abs(pages - analyzedPages) > BASE_PAGES + GROWTH_SCALE * analyzedPages
}

interface TableSize {
  relname: string
  pages: string
  analyzed_pages: number
}

/** One pass: analyzes the tables that are due, and names them. */
export async function statisticsPass(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<TableSize>`
    select c.relname,
           (pg_relation_size(c.oid) / current_setting('block_size')::int)::text as pages,
           c.relpages as analyzed_pages
    from pg_class c
    where c.relnamespace = current_schema()::regnamespace
      and c.relname = any(${[...ANALYZED_TABLES]}::text[])
  `.execute(db)
  const due = rows
    .filter((row) => analyzeDue(Number(row.pages), row.analyzed_pages))
    .map((row) => row.relname)
  if (due.length === 0) return []
  // Identifiers cannot be parameters; the names come from ANALYZED_TABLES, never from input.
  await sql`analyze ${sql.join(due.map((name) => sql.id(name)))}`.execute(db)
  return due
}

export interface StatisticsUpkeep {
  stop(): void
}

/** Best effort: a failed pass (the store closing) only waits for the next tick. */
export function keepStatisticsFresh(db: Kysely<Database>): StatisticsUpkeep {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    statisticsPass(db)
      .catch(() => undefined)
      .finally(() => {
        running = false
      })
  }, STATISTICS_CHECK_EVERY_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
