/** @module test/store/migration-runner — migration bookkeeping, edit detection and the schema's CHECK lists. */
import { cp, mkdtemp, rm, unlink, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PGliteDialect } from '../../src/store-embedded/pglite-dialect.ts'
import type { Database } from '../../src/store-sql/database-schema.ts'
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  migrationChecksum,
  readMigrationFiles,
  runMigrations,
} from '../../src/store-sql/migration-runner.ts'
import { RUN_STATES, STEP_KINDS, STEP_STATES } from '../../src/store/store-contract.ts'

// One in-memory database for the file (PGlite takes seconds to start); each test migrates its
// own schema, selected through the single session's search_path.
let db: Kysely<Database>
let schemaCount = 0

async function useNewSchema(): Promise<string> {
  schemaCount += 1
  const schema = `m_${schemaCount}`
  await sql`set search_path to ${sql.id(schema)}`.execute(db)
  return schema
}

beforeAll(async () => {
  db = new Kysely<Database>({ dialect: new PGliteDialect(await PGlite.create()) })
})

afterAll(async () => {
  await db.destroy()
})

describe('runMigrations', () => {
  let dir: string
  let options: { schema: string; migrationsDir: string }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'syncline-migrations-'))
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true })
    options = { schema: await useNewSchema(), migrationsDir: dir }
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('applies pending files in order, records them, and is a no-op the second time', async () => {
    await writeFile(join(dir, '9001_extra.sql'), 'create table extra (tenant_id text not null);')
    const shipped = (await readMigrationFiles(DEFAULT_MIGRATIONS_DIR)).map((f) => f.name)
    expect(shipped[0]).toBe('0001_initial')
    expect(await runMigrations(db, options)).toEqual({
      applied: [...shipped, '9001_extra'],
      alreadyApplied: [],
    })
    expect(await runMigrations(db, options)).toEqual({
      applied: [],
      alreadyApplied: [...shipped, '9001_extra'],
    })
    const files = await readMigrationFiles(dir)
    const rows = await db
      .selectFrom('syncline_migrations')
      .select(['version', 'name', 'checksum'])
      .orderBy('version')
      .execute()
    expect(rows).toEqual(
      files.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum })),
    )
  })

  it('refuses to start when an applied migration was edited, naming the file', async () => {
    await runMigrations(db, options)
    await appendFile(join(dir, '0001_initial.sql'), '\n-- a harmless-looking edit\n')
    const error: unknown = await runMigrations(db, options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as Error).message).toMatch(/0001_initial\.sql was edited after it was applied/)
    expect((error as Error).message).toMatch(/never edited.*add a new numbered migration/)
  })

  it('refuses a database with a migration this build does not have', async () => {
    await writeFile(join(dir, '9001_extra.sql'), 'select 1;')
    await runMigrations(db, options)
    await unlink(join(dir, '9001_extra.sql'))
    await expect(runMigrations(db, options)).rejects.toThrow(
      /has migration 9001_extra applied.*older than the database/,
    )
  })

  it('applies nothing of a failing migration', async () => {
    const { applied } = await runMigrations(db, options)
    await writeFile(join(dir, '9001_broken.sql'), 'create table half (x int); select 1/0;')
    await expect(runMigrations(db, options)).rejects.toThrow(/division by zero/)
    const half = await sql`select to_regclass('half') as t`.execute(db)
    expect(half.rows).toEqual([{ t: null }])
    const recorded = await db
      .selectFrom('syncline_migrations')
      .select('name')
      .orderBy('version')
      .execute()
    expect(recorded.map((r) => r.name)).toEqual(applied)
  })

  it('rejects badly named and duplicate-version files', async () => {
    await writeFile(join(dir, '2_oops.sql'), 'select 1;')
    await expect(readMigrationFiles(dir)).rejects.toThrow(/2_oops\.sql is not named NNNN/)
    await unlink(join(dir, '2_oops.sql'))
    await writeFile(join(dir, '0001_again.sql'), 'select 1;')
    await expect(readMigrationFiles(dir)).rejects.toThrow(/share version 0001/)
  })
})

describe('migrationChecksum', () => {
  it('ignores line-ending differences', () => {
    expect(migrationChecksum('create table a ();\r\nselect 1;\r\n')).toBe(
      migrationChecksum('create table a ();\nselect 1;\n'),
    )
  })
})

describe("the schema's CHECK constraints", () => {
  let schema: string

  beforeAll(async () => {
    schema = await useNewSchema()
    await runMigrations(db, { schema })
  })

  async function allowedValues(constraint: string): Promise<string[]> {
    const result = await sql<{ def: string }>`
      select pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.conname = ${constraint} and n.nspname = ${schema}
    `.execute(db)
    const def = result.rows[0]?.def ?? ''
    return [...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1] ?? '').sort()
  }

  it('list exactly the states and kinds of the store contract', async () => {
    expect(await allowedValues('flow_runs_state_check')).toEqual([...RUN_STATES].sort())
    expect(await allowedValues('flow_steps_state_check')).toEqual([...STEP_STATES].sort())
    expect(await allowedValues('flow_steps_kind_check')).toEqual([...STEP_KINDS].sort())
  })

  it('give every table but the bookkeeping one a non-null tenant_id', async () => {
    const result = await sql<{ table_name: string; has_tenant: boolean }>`
      select t.table_name,
             exists (select 1 from information_schema.columns c
                      where c.table_schema = t.table_schema and c.table_name = t.table_name
                        and c.column_name = 'tenant_id' and c.is_nullable = 'NO') as has_tenant
      from information_schema.tables t
      where t.table_schema = ${schema}
      order by t.table_name
    `.execute(db)
    // Every table a later migration adds falls under the same rule, so it is checked by name.
    const withoutTenant = result.rows.filter((r) => !r.has_tenant).map((r) => r.table_name)
    expect(withoutTenant).toEqual(['syncline_migrations'])
    expect(result.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'dead_letters',
        'entity_versions',
        'flow_runs',
        'flow_steps',
        'inbox_messages',
        'sync_ledger',
      ]),
    )
  })
})
