/** @module test/store/table-upkeep — with autovacuum off, the hub analyzes and vacuums its own churned tables, by autovacuum's thresholds. */
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/store-sql/database-schema.ts'
import { upkeepDue, upkeepPass } from '../../src/store-postgres/table-upkeep.ts'
import { ingestParams } from '../../src/store/store-conformance-fixtures.ts'
import type { Store } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { openPostgresSchema, type PostgresSchema } from '../support/postgres-schema.ts'

const url = await postgresForTests('table upkeep')

describe('upkeepDue (autovacuum’s default thresholds)', () => {
  it('vacuums past 50 + 20% dead rows, analyzes past 50 + 10% changed rows, else nothing', () => {
    expect(upkeepDue(1_000, 251, 0)).toBe('vacuum')
    expect(upkeepDue(1_000, 250, 151)).toBe('analyze')
    expect(upkeepDue(1_000, 250, 150)).toBeNull()
    // A table that grew from empty is analyzed as soon as 51 rows arrived.
    expect(upkeepDue(0, 0, 51)).toBe('analyze')
  })
})

describe.runIf(url !== undefined)('upkeepPass on PostgreSQL', () => {
  let schema: string
  let store: Store
  let db: Kysely<Database>
  let opened: PostgresSchema | undefined

  beforeAll(async () => {
    // Its own upkeep off: the test runs the passes and must see each one's work.
    opened = await openPostgresSchema(url ?? '', 'upkeep')
    ;({ schema, store, db } = opened)
  })
  afterAll(async () => {
    await opened?.drop()
  })

  const lastAnalyzed = async (table: string): Promise<string | null> => {
    const { rows } = await sql<{ at: string | null }>`
      select coalesce(last_analyze, last_autoanalyze)::text as at from pg_stat_user_tables
      where schemaname = ${schema} and relname = ${table}
    `.execute(db)
    return rows[0]?.at ?? null
  }

  it('analyzes the inbox and runs once they grew past the threshold, and then leaves them alone', async () => {
    for (let i = 0; i < 300; i++) await store.inboxIngest(ingestParams('upkeep'))
    // A backend reports its activity counters to pg_stat_user_tables when it goes idle (at most
    // once a second, else within 10 s) or exits: closing the store's pool makes them exit.
    await store.close()
    const done = new Set<string>()
    const deadline = Date.now() + 15_000
    while (!(done.has('analyze inbox_messages') && done.has('analyze flow_runs'))) {
      if (Date.now() > deadline) {
        throw new Error(`only ${[...done].join(', ') || 'nothing'} was done`)
      }
      for (const action of await upkeepPass(db)) done.add(action)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    expect(await lastAnalyzed('inbox_messages')).not.toBeNull()
    expect(await lastAnalyzed('flow_runs')).not.toBeNull()
    // Nothing changed since: nothing is due.
    expect(await upkeepPass(db)).toEqual([])
  })
})
