/** @module store-postgres/postgres-store — the shared SQL store over a `pg` connection pool. */
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../store-sql/database-schema.ts'
import { createSqlStore } from '../store-sql/sql-store.ts'
import { createAdvisoryCredentialLock } from './advisory-credential-lock.ts'
import { PreparedStatementClient } from './prepared-statement-client.ts'
import { startTableUpkeep } from './table-upkeep.ts'
import type { Store } from '../store/store-contract.ts'

export interface PostgresStoreOptions {
  connectionString: string
  /** Schema for all tables (default `public`); created by `migrate()` if missing. */
  schema?: string
  /** Maximum pooled connections (default 10). */
  poolSize?: number
  /** Server-side limit per statement (default 30 000 ms; 0 disables it). */
  statementTimeoutMs?: number
  /**
   * Prepare parameterized statements once per connection (default true). Turn off behind a
   * pooler that cannot keep them, such as PgBouncer before 1.21 in transaction mode.
   */
  preparedStatements?: boolean
  /**
   * Analyze and vacuum the churned tables when the server's autovacuum is off (default true; see
   * table-upkeep.ts). Off only where a caller runs the passes itself.
   */
  tableUpkeep?: boolean
}

const INT8_OID = 20

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Waiting longer than this for a connection means the database is effectively unavailable. */
const CONNECT_TIMEOUT_MS = 10_000

/**
 * int8 is parsed as a string on our pool only (not through the process-wide `pg.types`), so ids
 * never pass through a double even if some other library in the process changes the global parser.
 */
const int8AsString: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => value
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
}

/**
 * Startup options of every pooled connection, so each is set before its first query.
 * search_path scopes the session to the hub's schema. jit is off: the hub's statements are short
 * and many, and the planner's JIT threshold is a cost estimate, so a large `= any($ids)` list can
 * cross it and spend far longer compiling than running (1,000 ids: 311 ms against 28 ms;
 * 10,000 ids: minutes).
 */
export function postgresSessionOptions(schema: string): string {
  return `-c search_path=${schema} -c jit=off`
}

export function createPostgresStore(options: PostgresStoreOptions): Store {
  const schema = options.schema ?? 'public'
  // The name goes into a startup option and into CREATE SCHEMA: accept plain identifiers only.
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(
      `schema '${schema}' is not a plain lowercase identifier (letters, digits, underscore; max 63)`,
    )
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    options: postgresSessionOptions(schema),
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: 'syncline',
    types: int8AsString,
    ...(options.preparedStatements === false ? {} : { Client: PreparedStatementClient }),
  })
  // An idle client losing its server emits 'error' on the pool; unhandled, that would crash the
  // process. The pool drops the client, and the next query reports StoreUnavailableError.
  pool.on('error', () => undefined)
  // A checked-out client has no pool listener: when the server goes (restart, terminated
  // backend) between two statements of a transaction, its 'error' event would be unhandled and
  // end the process. The failure reaches the caller through its next statement instead, and the
  // pool drops the broken client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined)
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const upkeep = options.tableUpkeep === false ? undefined : startTableUpkeep(db)
  return createSqlStore({
    driver: 'postgres',
    db,
    schema,
    credentialLock: createAdvisoryCredentialLock({ connectionString: options.connectionString }),
    onClose: async () => {
      await upkeep?.stop()
    },
  })
}
