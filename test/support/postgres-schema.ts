/** @module test/support/postgres-schema — a migrated PostgreSQL store in a schema of its own, with
 * a Kysely handle on the same schema for tests that call queries directly. */
import { randomBytes } from 'node:crypto'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/store-sql/database-schema.ts'
import {
  createPostgresStore,
  postgresSessionOptions,
} from '../../src/store-postgres/postgres-store.ts'
import type { Store } from '../../src/store/store-contract.ts'

export interface PostgresSchema {
  readonly schema: string
  readonly store: Store
  readonly db: Kysely<Database>
  /** Closes both handles and drops the schema. */
  drop(): Promise<void>
}

/** The store's own table upkeep is off: tests that look at statistics run the passes themselves. */
export async function openPostgresSchema(
  url: string,
  prefix: string,
  poolMax = 2,
): Promise<PostgresSchema> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`
  const store = createPostgresStore({ connectionString: url, schema, tableUpkeep: false })
  await store.migrate()
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({
        connectionString: url,
        options: postgresSessionOptions(schema),
        max: poolMax,
      }),
    }),
  })
  return {
    schema,
    store,
    db,
    async drop() {
      await db.destroy()
      await store.close()
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      await admin.query(`drop schema if exists ${schema} cascade`)
      await admin.end()
    },
  }
}
