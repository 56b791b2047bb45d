/** @module store-embedded/pglite-dialect — a Kysely dialect over one in-process PGlite database. */
import type { PGlite } from '@electric-sql/pglite'
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import {
  pglitePreparedStatements,
  type PGlitePreparedStatements,
} from './pglite-prepared-statements.ts'

/** FIFO mutex: PGlite is a single session, so one holder (a statement or a whole transaction) at a time. */
class ConnectionMutex {
  #tail: Promise<void> = Promise.resolve()

  async lock(): Promise<() => void> {
    let unlock!: () => void
    const released = new Promise<void>((resolve) => {
      unlock = resolve
    })
    const previous = this.#tail
    this.#tail = previous.then(() => released)
    await previous
    return unlock
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite
  readonly #prepared: PGlitePreparedStatements

  constructor(pglite: PGlite) {
    this.#pglite = pglite
    this.#prepared = pglitePreparedStatements(pglite)
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters the simple protocol is used, which accepts several statements at once
    // (migration files); with parameters, a prepared statement binds them safely.
    const result =
      compiled.parameters.length === 0
        ? (await this.#pglite.exec(compiled.sql)).at(-1)
        : await this.#prepared.query<R>(compiled.sql, compiled.parameters)
    const rows = (result?.rows ?? []) as R[]
    const command = result?.command
    const changed =
      command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE'
    return {
      rows,
      ...(changed
        ? { numAffectedRows: BigInt(result?.rowCount ?? result?.affectedRows ?? 0) }
        : {}),
    }
  }

  async *streamQuery<R>(
    compiled: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    // PGlite has no server-side cursors; the whole result is in memory already, so hand it out in chunks.
    const { rows } = await this.executeQuery<R>(compiled)
    for (let at = 0; at < rows.length; at += chunkSize) {
      yield { rows: rows.slice(at, at + chunkSize) }
    }
  }
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite
  readonly #connection: PGliteConnection
  readonly #mutex = new ConnectionMutex()
  #unlock: (() => void) | undefined
  #destroyed = false

  constructor(pglite: PGlite) {
    this.#pglite = pglite
    this.#connection = new PGliteConnection(pglite)
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady
  }

  /** Held until releaseConnection, which Kysely calls after a statement or after commit/rollback. */
  async acquireConnection(): Promise<DatabaseConnection> {
    const unlock = await this.#mutex.lock()
    if (this.#destroyed) {
      unlock()
      throw new Error('the embedded store is closed')
    }
    this.#unlock = unlock
    return this.#connection
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const modifiers = [
      settings.isolationLevel === undefined ? '' : ` isolation level ${settings.isolationLevel}`,
      settings.accessMode === undefined ? '' : ` ${settings.accessMode}`,
    ].join('')
    await connection.executeQuery(CompiledQuery.raw(`begin${modifiers}`))
  }

  async commitTransaction(): Promise<void> {
    const result = await this.#pglite.query('commit')
    // PostgreSQL answers COMMIT of an aborted transaction with a ROLLBACK tag instead of an error.
    if (result.command === 'ROLLBACK') {
      throw new Error('the transaction was aborted by an earlier error and has been rolled back')
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  releaseConnection(): Promise<void> {
    const unlock = this.#unlock
    this.#unlock = undefined
    unlock?.()
    return Promise.resolve()
  }

  async destroy(): Promise<void> {
    // Wait for the current holder so an in-flight transaction finishes before PGlite closes.
    const unlock = await this.#mutex.lock()
    this.#destroyed = true
    try {
      if (!this.#pglite.closed) await this.#pglite.close()
    } finally {
      unlock()
    }
  }
}

export class PGliteDialect implements Dialect {
  readonly #pglite: PGlite

  constructor(pglite: PGlite) {
    this.#pglite = pglite
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }

  createDriver(): Driver {
    return new PGliteDriver(this.#pglite)
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
}
