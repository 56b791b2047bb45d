/** @module store-sql/migration-runner — applies numbered SQL migrations once, in order, under a lock. */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import type { MigrationReport } from '../store/store-contract.ts'
import type { Database } from './database-schema.ts'

export const DEFAULT_MIGRATIONS_DIR = new URL('./migrations/', import.meta.url)

/** First key of the two-key advisory lock ('SYNC'); the second is the schema, so schemas migrate independently. */
const MIGRATION_LOCK_CLASS = 0x53594e43

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/

export interface MigrationFile {
  version: number
  /** `0001_initial`: the file name without `.sql`, as reported and recorded. */
  name: string
  fileName: string
  sql: string
  checksum: string
}

/** The schema is out of step with this build's migration files; starting would be unsafe. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MigrationError'
  }
}

/**
 * Line endings are normalised first, so a checkout that rewrote LF to CRLF is not mistaken for an
 * edited migration.
 */
export function migrationChecksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex')
}

export async function readMigrationFiles(
  dir: URL | string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationFile[]> {
  const base = toDirUrl(dir)
  const entries = (await readdir(base)).filter((name) => name.endsWith('.sql')).sort()
  const files: MigrationFile[] = []
  for (const fileName of entries) {
    const match = FILE_PATTERN.exec(fileName)
    if (match === null) {
      throw new MigrationError(
        `migration file ${fileName} is not named NNNN_lowercase_name.sql; rename it`,
      )
    }
    const version = Number(match[1])
    const previous = files[files.length - 1]
    if (previous !== undefined && previous.version === version) {
      throw new MigrationError(
        `migrations ${previous.fileName} and ${fileName} share version ${match[1]}; renumber the newer one`,
      )
    }
    const text = await readFile(new URL(fileName, base), 'utf8')
    files.push({
      version,
      name: fileName.slice(0, -'.sql'.length),
      fileName,
      sql: text,
      checksum: migrationChecksum(text),
    })
  }
  return files
}

/** readdir and readFile both take URLs; a trailing slash makes relative file URLs resolve inside. */
function toDirUrl(dir: URL | string): URL {
  const url = typeof dir === 'string' ? pathToFileURL(resolve(dir)) : dir
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`)
}

export interface MigrationOptions {
  /** The schema the connection's search_path points at; created if missing. */
  schema: string
  migrationsDir?: URL | string
}

/**
 * One transaction under a transaction-scoped advisory lock: a second process starting at the same
 * moment waits, then finds everything applied. DDL is transactional in PostgreSQL, so a failing
 * migration leaves nothing half-applied.
 */
export async function runMigrations(
  db: Kysely<Database>,
  options: MigrationOptions,
): Promise<MigrationReport> {
  const files = await readMigrationFiles(options.migrationsDir)
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_CLASS}, hashtext(${options.schema}))`.execute(
      trx,
    )
    // Checked before CREATE SCHEMA because that statement demands database-level CREATE
    // privilege even when the schema exists, which a locked-down hub role may lack.
    const schemaFound =
      await sql`select 1 from pg_namespace where nspname = ${options.schema}`.execute(trx)
    if (schemaFound.rows.length === 0) {
      await sql`create schema ${sql.id(options.schema)}`.execute(trx)
    }
    await sql`
      create table if not exists syncline_migrations (
        version    integer primary key,
        name       text not null,
        checksum   text not null,
        applied_at timestamptz not null default now()
      )
    `.execute(trx)

    const appliedRows = await sql<{ version: number; name: string; checksum: string }>`
      select version, name, checksum from syncline_migrations order by version
    `.execute(trx)
    const byVersion = new Map(files.map((file) => [file.version, file]))
    for (const row of appliedRows.rows) {
      const file = byVersion.get(row.version)
      if (file === undefined) {
        throw new MigrationError(
          `the database has migration ${row.name} applied, but this build has no ${row.name}.sql: ` +
            'it is older than the database; run the Syncline version that applied it, or newer',
        )
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${file.fileName} was edited after it was applied (recorded checksum ` +
            `${row.checksum.slice(0, 12)}, file now ${file.checksum.slice(0, 12)}). Applied migrations ` +
            `are never edited: restore ${file.fileName} and add a new numbered migration instead`,
        )
      }
    }

    const appliedVersions = new Set(appliedRows.rows.map((row) => row.version))
    const report: MigrationReport = { applied: [], alreadyApplied: [] }
    for (const file of files) {
      if (appliedVersions.has(file.version)) {
        report.alreadyApplied.push(file.name)
        continue
      }
      await sql.raw(file.sql).execute(trx)
      await sql`
        insert into syncline_migrations (version, name, checksum)
        values (${file.version}, ${file.name}, ${file.checksum})
      `.execute(trx)
      report.applied.push(file.name)
    }
    return report
  })
}
