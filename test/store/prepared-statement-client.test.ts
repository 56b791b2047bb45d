/** @module test/store/prepared-statement-client — statements are prepared once per connection,
 * scripts are not, and the number a connection keeps is bounded. */
import { afterEach, describe, expect, it } from 'vitest'
import {
  PREPARED_PER_CONNECTION,
  PreparedStatementClient,
} from '../../src/store-postgres/prepared-statement-client.ts'
import { postgresForTests } from '../support/postgres-availability.ts'

const url = await postgresForTests('prepared statements')

describe.runIf(url !== undefined)('PreparedStatementClient', () => {
  let client: PreparedStatementClient | undefined
  afterEach(async () => {
    await client?.end()
    client = undefined
  })

  async function connect(): Promise<PreparedStatementClient> {
    client = new PreparedStatementClient({ connectionString: url })
    await client.connect()
    return client
  }

  async function preparedNames(c: PreparedStatementClient): Promise<string[]> {
    const { rows } = await c.query<{ name: string }>(
      'select name from pg_prepared_statements order by name',
    )
    return rows.map((r) => r.name)
  }

  it('prepares a parameterized text once and reuses it with new values', async () => {
    const c = await connect()
    const text = 'select $1::int + 1 as n'
    const results = []
    for (const v of [1, 41, -1]) results.push((await c.query<{ n: number }>(text, [v])).rows[0]?.n)
    expect(results).toEqual([2, 42, 0])
    const names = await preparedNames(c)
    expect(names).toHaveLength(1)
    expect(names[0]).toMatch(/^syncline_[\w-]{24}$/)
    const { rows } = await c.query<{ statement: string }>(
      'select statement from pg_prepared_statements where name = $1',
      [names[0]],
    )
    expect(rows[0]?.statement).toBe(text)
  })

  it('runs scripts and parameterless texts unnamed (PostgreSQL cannot prepare a script)', async () => {
    const c = await connect()
    await c.query('create temp table t (n int); insert into t values (1); insert into t values (2)')
    const { rows } = await c.query<{ total: string }>('select sum(n)::text as total from t')
    expect(rows[0]?.total).toBe('3')
    expect(await preparedNames(c)).toEqual([])
  })

  it('reports a statement error to the caller and still prepares the text next time', async () => {
    const c = await connect()
    await expect(c.query('select 1 / $1::int as q', [0])).rejects.toThrow(/division by zero/)
    expect((await c.query<{ q: number }>('select 1 / $1::int as q', [1])).rows[0]?.q).toBe(1)
    // The second statement above and this lookup are prepared; nothing else.
    expect(await preparedNames(c)).toHaveLength(1)
  })

  it(`keeps at most ${PREPARED_PER_CONNECTION} statements per connection, running the rest unnamed`, async () => {
    const c = await connect()
    const extra = 20
    for (let i = 0; i < PREPARED_PER_CONNECTION + extra; i++) {
      const { rows } = await c.query<{ v: number }>(`select $1::int + ${i} as v`, [1])
      expect(rows[0]?.v).toBe(1 + i)
    }
    expect(await preparedNames(c)).toHaveLength(PREPARED_PER_CONNECTION)
  })
})
