/** @module bench/workloads/w0-limit-workload — the machine's ceilings, measured in the same run
 * as everything they are compared with: how many single-row insert-commits PostgreSQL does with
 * 1 and with 8 connections through the hub's own driver (`pg`), and how many 1 KB POSTs a bare
 * Node HTTP echo server answers. No ingest path that commits each event can beat the first two.
 */
import pg from 'pg'
import { Pool as HttpPool } from 'undici'
import type { BenchFigure, Workload } from '../harness/bench-contract.ts'
import { startEchoServer } from '../harness/echo-server.ts'
import { shopifyOrderPayloads } from '../harness/order-payloads.ts'

export const w0Limit: Workload = {
  id: 'W0',
  title: 'Limits: PostgreSQL insert-commit ceiling and HTTP echo rate',
  async run(ctx) {
    const started = Date.now()
    const seconds = ctx.quick ? 3 : 10
    const body = shopifyOrderPayloads('1kb').body(0)
    const databaseUrl = await ctx.freshDatabase('w0')
    const notes: string[] = []
    const setup = new pg.Client({ connectionString: databaseUrl })
    await setup.connect()
    const sync = (await setup.query<{ synchronous_commit: string }>('show synchronous_commit'))
      .rows[0]?.synchronous_commit
    notes.push(
      `PostgreSQL synchronous_commit=${sync ?? '?'}; one ${Buffer.byteLength(body)}-byte row per transaction, ${seconds} s per measurement`,
    )
    await setup.query(
      'create table bench_insert (id bigserial primary key, payload text not null, at timestamptz not null default now())',
    )
    await setup.end()
    const figures: BenchFigure[] = []
    for (const connections of [1, 8]) {
      ctx.progress(`insert-commit with ${connections} connection(s) for ${seconds} s`)
      const rate = await insertRate(databaseUrl, connections, seconds * 1_000, body)
      figures.push({
        key: `w0.pg.insert-${connections}`,
        label: `PostgreSQL single-row insert-commit, ${connections} connection${connections === 1 ? '' : 's'}`,
        value: Math.round(rate),
        unit: 'rows/s',
      })
    }
    ctx.progress(`HTTP POST echo for ${seconds} s`)
    const echo = await echoRate(seconds * 1_000, body)
    figures.push({
      key: 'w0.http.echo',
      label: 'node:http echo server, 1 KB POST, 64 connections (closed loop)',
      value: Math.round(echo),
      unit: 'requests/s',
    })
    return { id: 'W0', title: w0Limit.title, figures, notes, durationMs: Date.now() - started }
  },
}

async function insertRate(
  url: string,
  connections: number,
  durationMs: number,
  payload: string,
): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections })
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()))
  let done = 0
  const until = performance.now() + durationMs
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < until) {
        await client.query({
          name: 'bench-insert',
          text: 'insert into bench_insert (payload) values ($1)',
          values: [payload],
        })
        done += 1
      }
    }),
  )
  const elapsed = performance.now() - t0
  for (const client of clients) client.release()
  await pool.end()
  return (done * 1_000) / elapsed
}

async function echoRate(durationMs: number, body: string): Promise<number> {
  const server = await startEchoServer()
  const pool = new HttpPool(server.url, { connections: 64 })
  let done = 0
  const until = performance.now() + durationMs
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (performance.now() < until) {
        const response = await pool.request({
          path: '/',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await response.body.dump()
        done += 1
      }
    }),
  )
  const elapsed = performance.now() - t0
  await pool.close()
  server.stop()
  return (done * 1_000) / elapsed
}
