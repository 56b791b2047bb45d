/** @module test/store/postgres-store — the conformance suite and driver specifics against PostgreSQL. */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createPostgresStore,
  postgresSessionOptions,
} from '../../src/store-postgres/postgres-store.ts'
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from '../../src/store-sql/migration-runner.ts'
import { exerciseStore } from '../../src/store/store-conformance.ts'
import { StoreUnavailableError } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const url = await postgresForTests('PostgreSQL store')

describe('PostgreSQL store without a server', () => {
  it('reports an unreachable server as StoreUnavailableError with the cause', async () => {
    const store = createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' })
    try {
      const error: unknown = await store.ping().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(StoreUnavailableError)
      expect((error as Error).cause).toBeDefined()
      await expect(store.migrate()).rejects.toBeInstanceOf(StoreUnavailableError)
    } finally {
      await store.close()
    }
  })

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() =>
      createPostgresStore({ connectionString: 'postgres://x@127.0.0.1/x', schema: 'a"; drop' }),
    ).toThrow(RangeError)
  })
})

if (url !== undefined) {
  const schemas: string[] = []
  const newSchema = (): string => {
    const schema = `t_${randomBytes(6).toString('hex')}`
    schemas.push(schema)
    return schema
  }

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`)
    } finally {
      await admin.end()
    }
  })

  exerciseStore('postgres', () => {
    const store = createPostgresStore({ connectionString: url, schema: newSchema(), poolSize: 6 })
    return Promise.resolve({ store, cleanup: () => store.close() })
  })

  describe('PostgreSQL store specifics', () => {
    it('opens its sessions with JIT off and its own search_path', async () => {
      // JIT compiles a 1,000-id `= any($ids)` filter in ten times the time it takes to run it.
      const schema = newSchema()
      const client = new pg.Client({
        connectionString: url,
        options: postgresSessionOptions(schema),
      })
      await client.connect()
      try {
        const jit = await client.query<{ jit: string }>('show jit')
        const path = await client.query<{ search_path: string }>('show search_path')
        expect(jit.rows[0]?.jit).toBe('off')
        expect(path.rows[0]?.search_path).toBe(schema)
      } finally {
        await client.end()
      }
    })

    it('lets two hub processes (two pools) migrate a brand-new schema at the same time', async () => {
      const schema = newSchema()
      const stores = [1, 2].map(() => createPostgresStore({ connectionString: url, schema }))
      try {
        const reports = await Promise.all(stores.map((store) => store.migrate()))
        const shipped = (await readMigrationFiles(DEFAULT_MIGRATIONS_DIR)).map((f) => f.name)
        // Each migration applied exactly once between the two processes.
        expect(reports.flatMap((r) => r.applied).sort()).toEqual(shipped)
        const admin = new pg.Client({ connectionString: url })
        await admin.connect()
        const tables = await admin.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1 order by 1',
          [schema],
        )
        await admin.end()
        expect(tables.rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining([
            'dead_letters',
            'entity_versions',
            'flow_runs',
            'flow_steps',
            'inbox_messages',
            'sync_ledger',
            'syncline_migrations',
          ]),
        )
      } finally {
        await Promise.all(stores.map((store) => store.close()))
      }
    })

    it('returns ids beyond 2^53 exactly, as strings', async () => {
      const schema = newSchema()
      const store = createPostgresStore({ connectionString: url, schema })
      try {
        await store.migrate()
        const admin = new pg.Client({ connectionString: url })
        await admin.connect()
        await admin.query(
          `alter sequence "${schema}".flow_runs_id_seq restart with 9007199254740993`,
        )
        await admin.end()
        const result = await store.inboxIngest({
          tenantId: 't',
          sourceSystem: 's',
          sourceMessageId: 'm',
          connection: 'c',
          topic: 'x',
          payload: '{}',
          headers: {},
          receivedAt: 1,
          triggeredAt: null,
          runs: [
            { flowName: 'f', businessKey: 'k1' },
            { flowName: 'f', businessKey: 'k2' },
          ],
        })
        expect(result.runIds).toEqual(['9007199254740993', '9007199254740994'])
        const run = await store.runGet({ tenantId: 't', runId: '9007199254740994' })
        expect(run?.businessKey).toBe('k2')
      } finally {
        await store.close()
      }
    })

    it('reports the server durable', async () => {
      const store = createPostgresStore({ connectionString: url, schema: newSchema() })
      try {
        expect(await store.durabilityCheck()).toEqual({ ok: true, problems: [] })
      } finally {
        await store.close()
      }
    })
  })
}
