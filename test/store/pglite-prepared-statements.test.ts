/** @module test/store/pglite-prepared-statements — the embedded store's statements are prepared
 * once on PGlite's session, answer exactly as `PGlite.query` does, report errors with their
 * SQLSTATE and leave the session usable, and the number kept is bounded. */
import { PGlite } from '@electric-sql/pglite'
import { afterEach, describe, expect, it } from 'vitest'
import {
  pglitePreparedStatements,
  type PGlitePreparedStatements,
} from '../../src/store-embedded/pglite-prepared-statements.ts'

const INT8_OID = 20

describe('pglitePreparedStatements', () => {
  let pglite: PGlite | undefined
  afterEach(async () => {
    await pglite?.close()
    pglite = undefined
  })

  async function open(limit?: number): Promise<{ db: PGlite; prepared: PGlitePreparedStatements }> {
    // As the embedded store opens it: int8 stays a string.
    const db = await PGlite.create({ parsers: { [INT8_OID]: (value: string) => value } })
    pglite = db
    await db.exec(`create table item (
      id bigint primary key, name text not null, tags text[], doc jsonb, at timestamptz)`)
    return { db, prepared: pglitePreparedStatements(db, limit) }
  }

  async function preparedTexts(db: PGlite): Promise<string[]> {
    const { rows } = await db.query<{ statement: string }>(
      'select statement from pg_prepared_statements order by prepare_time',
    )
    return rows.map((r) => r.statement)
  }

  it('answers as PGlite.query does, and prepares a text once however often it runs', async () => {
    const { db, prepared } = await open()
    const insert = `insert into item (id, name, tags, doc, at)
      select * from unnest($1::bigint[], $2::text[]) as u(id, name)
      cross join lateral (select $3::text[], $4::jsonb, $5::timestamptz) as v
      returning id, name, tags, doc, at`
    const first = await prepared.query(insert, [
      ['9007199254740993', '2'],
      ['a', 'b'],
      ['x', 'y,z'],
      { n: 1, nested: { ok: true } },
      new Date('2026-11-29T10:00:00.000Z'),
    ])
    expect(first.rows).toEqual([
      {
        id: '9007199254740993',
        name: 'a',
        tags: ['x', 'y,z'],
        doc: { n: 1, nested: { ok: true } },
        at: new Date('2026-11-29T10:00:00.000Z'),
      },
      expect.objectContaining({ id: '2', name: 'b' }),
    ])
    expect(first.affectedRows).toBe(2)

    const select =
      'select id, name, tags, doc, at from item where id = any($1::bigint[]) order by id'
    for (const ids of [['2'], ['9007199254740993'], ['2', '9007199254740993']]) {
      const mine = await prepared.query(select, [ids])
      const theirs = await db.query(select, [ids])
      expect(mine.rows).toEqual(theirs.rows)
      expect(mine.fields).toEqual(theirs.fields)
    }
    const nulls = await prepared.query('select $1::text as a, $2::jsonb as b', [null, undefined])
    expect(nulls.rows).toEqual([{ a: null, b: null }])

    expect(await preparedTexts(db)).toEqual([
      insert,
      select,
      'select $1::text as a, $2::jsonb as b',
    ])
  })

  it('reports the command and rows changed of statements that return no rows', async () => {
    const { prepared } = await open()
    await prepared.query('insert into item (id, name) values ($1, $2), ($3, $4)', [
      '1',
      'a',
      '2',
      'b',
    ])
    const updated = await prepared.query('update item set name = $1 where id >= $2', ['c', '1'])
    expect(updated).toMatchObject({ command: 'UPDATE', affectedRows: 2, rows: [] })
    const deleted = await prepared.query('delete from item where id = $1', ['2'])
    expect(deleted).toMatchObject({ command: 'DELETE', affectedRows: 1 })
    const none = await prepared.query('delete from item where id = $1', ['2'])
    expect(none).toMatchObject({ command: 'DELETE', affectedRows: 0 })
  })

  it('throws errors with their SQLSTATE and leaves the session ready, in and out of a transaction', async () => {
    const { db, prepared } = await open()
    const insert = 'insert into item (id, name) values ($1, $2)'
    await prepared.query(insert, ['1', 'a'])
    await expect(prepared.query(insert, ['1', 'again'])).rejects.toMatchObject({ code: '23505' })
    // A statement that fails to prepare is not kept: the next call prepares it again.
    await expect(prepared.query('select $1::int +', [1])).rejects.toMatchObject({ code: '42601' })
    await expect(prepared.query('select 1 / $1::int as q', [0])).rejects.toMatchObject({
      code: '22012',
    })
    expect((await prepared.query('select 1 / $1::int as q', [1])).rows).toEqual([{ q: 1 }])

    await db.exec('begin')
    await prepared.query(insert, ['2', 'b'])
    await expect(prepared.query(insert, ['2', 'b'])).rejects.toMatchObject({ code: '23505' })
    await expect(prepared.query(insert, ['3', 'c'])).rejects.toMatchObject({ code: '25P02' })
    await db.exec('rollback')
    // Prepared statements outlive the rolled-back transaction, and the rollback undid its rows.
    const left = await prepared.query('select name from item where id >= $1 order by id', ['1'])
    expect(left.rows).toEqual([{ name: 'a' }])
    expect(await preparedTexts(db)).toContain(insert)
  })

  it('keeps at most its limit of statements prepared and runs the rest unprepared', async () => {
    const limit = 5
    const { db, prepared } = await open(limit)
    for (let i = 0; i < limit + 3; i++) {
      const { rows } = await prepared.query<{ v: number }>(`select $1::int + ${i} as v`, [1])
      expect(rows).toEqual([{ v: 1 + i }])
    }
    expect(await preparedTexts(db)).toHaveLength(limit)
    // A text prepared before the limit was reached is still reused.
    expect((await prepared.query('select $1::int + 0 as v', [41])).rows).toEqual([{ v: 41 }])
    expect(await preparedTexts(db)).toHaveLength(limit)
  })
})
