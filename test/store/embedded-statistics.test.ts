/** @module test/store/embedded-statistics — the embedded store analyzes a table it grows once a
 * tenth of it is new, not on every tick: on PGlite an ANALYZE stops the hub while it runs. */
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { PGliteDialect } from '../../src/store-embedded/pglite-dialect.ts'
import { analyzeDue, statisticsPass } from '../../src/store-embedded/statistics-upkeep.ts'
import type { Database } from '../../src/store-sql/database-schema.ts'

describe('analyzeDue', () => {
  it.each([
    [0, 0, false, 'an empty table'],
    [1, 0, true, 'rows the planner has never seen'],
    [100, 100, false, 'as analyzed'],
    [118, 100, false, 'grown by less than a tenth plus the base'],
    [119, 100, true, 'grown by more'],
    [80, 100, true, 'shrunk as much'],
    [10_900, 10_000, false, 'a large table grown by 9%'],
  ])('%i pages now, %i at the last ANALYZE: %s (%s)', (pages, analyzed, due) => {
    expect(analyzeDue(pages, analyzed)).toBe(due)
  })
})

describe('statisticsPass on PGlite', () => {
  let db: Kysely<Database> | undefined
  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })

  it('analyzes only the tables that grew, and then leaves them alone', async () => {
    const pglite = await PGlite.create()
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
    for (const table of ['flow_runs', 'flow_steps', 'inbox_messages', 'dead_letters']) {
      await sql`create table ${sql.id(table)} (id bigint, body text)`.execute(db)
    }
    const fill = (table: string, from: number, count: number) =>
      sql`insert into ${sql.id(table)} select g, repeat('x', 200)
          from generate_series(${from}::int, ${from + count - 1}::int) g`.execute(db!)
    const estimate = async (table: string) => {
      const { rows } = await sql<{ reltuples: number }>`
        select reltuples from pg_class where relname = ${table}`.execute(db!)
      return rows[0]?.reltuples
    }

    expect(await statisticsPass(db)).toEqual([])
    await fill('flow_runs', 1, 2_000)
    expect(await statisticsPass(db)).toEqual(['flow_runs'])
    expect(await estimate('flow_runs')).toBe(2_000)
    expect(await statisticsPass(db)).toEqual([])

    // 5% more: the planner scales its estimate by pages; no ANALYZE yet.
    await fill('flow_runs', 2_001, 100)
    expect(await statisticsPass(db)).toEqual([])
    await fill('flow_runs', 2_101, 1_000)
    await fill('inbox_messages', 1, 500)
    expect((await statisticsPass(db)).sort()).toEqual(['flow_runs', 'inbox_messages'])
    expect(await estimate('flow_runs')).toBe(3_100)
    expect(await estimate('inbox_messages')).toBe(500)
  })
})
