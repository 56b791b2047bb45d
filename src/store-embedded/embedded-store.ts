/** @module store-embedded/embedded-store — the shared SQL store over PGlite files in a local folder. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import type { Database } from '../store-sql/database-schema.ts'
import { createSqlStore } from '../store-sql/sql-store.ts'
import type { Store } from '../store/store-contract.ts'
import { acquireDataDirLock } from './data-dir-lock.ts'
import { PGliteDialect } from './pglite-dialect.ts'
import { keepStatisticsFresh } from './statistics-upkeep.ts'

export interface EmbeddedStoreOptions {
  /** The hub's data folder (the caller's default is ./.syncline/data). */
  dataDir: string
}

/** PostgreSQL's files live in a subfolder, so the lock file never sits inside PGDATA. */
export const PGDATA_SUBDIR = 'pgdata'

const INT8_OID = 20

/**
 * ANALYZE samples 300 rows per unit of the statistics target, and on PGlite it stops the hub while
 * it runs: at the default 100 (30,000 rows) a pass over the grown queue tables took up to 685 ms
 * in the bench. The hub's plans need the tables' sizes, not fine histograms (the claim is built
 * not to depend on them), so the embedded session samples 3,000 rows.
 */
const EMBEDDED_STATISTICS_TARGET = 10

/**
 * A new folder is initialized by a PGlite instance of its own, closed before the store's opens.
 * PGlite runs initdb in a second WebAssembly instance, and an instance that did so keeps that
 * memory for as long as it lives: measured, a hub on a new folder held 850 MB resident against
 * 345 MB on a folder that already existed, and about 490 MB when initialized this way.
 */
async function initializeDataDir(pgdata: string): Promise<void> {
  if (existsSync(join(pgdata, 'PG_VERSION'))) return
  const initializing = await PGlite.create({ dataDir: pgdata })
  await initializing.close()
}

/**
 * Takes the folder lock first: two PGlite instances on one folder would corrupt it, and PGlite
 * itself does not prevent that.
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<Store> {
  const dataDir = resolve(options.dataDir)
  const lock = await acquireDataDirLock(dataDir)
  let pglite: PGlite | undefined
  try {
    const pgdata = join(dataDir, PGDATA_SUBDIR)
    await initializeDataDir(pgdata)
    pglite = await PGlite.create({
      dataDir: pgdata,
      // Same as the pg driver: ids stay strings, never doubles.
      parsers: { [INT8_OID]: (value: string) => value },
    })
    // Session setting on PGlite's only session: a commit returns only after its WAL is written.
    await pglite.exec('set synchronous_commit = on')
    await pglite.exec(`set default_statistics_target = ${EMBEDDED_STATISTICS_TARGET}`)
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
    const statistics = keepStatisticsFresh(db)
    return createSqlStore({
      driver: 'embedded',
      db,
      schema: 'public',
      // One connection: batches queue behind each other anyway, so each takes all that waited
      // (the store's default, kept explicit: more in flight could only wait for the connection).
      ingestConcurrency: 1,
      batchConcurrency: 1,
      // PGlite runs each statement synchronously on this thread: without a turn to gather in,
      // the first write of a burst runs before the rest are read, and every batch holds one.
      gatherTurn: true,
      // No cross-process credential lock: the folder lock makes this the only process on the
      // database, so the store's in-process lock is the whole lock, and it holds no connection
      // while a refresh runs (PGlite has one, and the rest of the store needs it).
      onClose: async () => {
        statistics.stop()
        await lock.release()
      },
    })
  } catch (error) {
    if (pglite !== undefined && !pglite.closed) await pglite.close().catch(() => undefined)
    await lock.release()
    throw error
  }
}
