/** @module bench/peers/peer-smoke — runs one peer outside the bench, to check it end to end:
 *
 *   node --import tsx bench/peers/peer-smoke.ts graphile-worker|pg-boss [--full]
 *   node --import tsx bench/peers/peer-smoke.ts n8n [rate,rate,…] [seconds]
 *   node --import tsx bench/peers/peer-smoke.ts n8n-mapping   (the Code node against Syncline's mapping)
 *
 * A minimal BenchContext: each fresh database is `bench_smoke_<random>` on DATABASE_URL (default
 * the local `test` database) and is dropped at the end. The queue peers run at --quick sizes
 * unless --full is given. n8n, which the bench skips with --quick, runs a short explicit plan
 * (default 2/s and 4/s for 10 s each) so that a smoke run stays short.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { BenchContext, WorkloadResult } from '../harness/bench-contract.ts'
import { graphileWorkerPeer } from './graphile-worker-peer.ts'
import { pgBossPeer } from './pg-boss-peer.ts'

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const [peer, ...rest] = process.argv.slice(2)
  const created: string[] = []
  const scratchDir = mkdtempSync(join(tmpdir(), 'syncline-peer-smoke-'))
  const ctx: BenchContext = {
    quick: !rest.includes('--full'),
    pgUrl: adminUrl,
    async freshDatabase(label) {
      const name = `bench_smoke_${label.replace(/\W/g, '_')}_${Math.random().toString(36).slice(2, 8)}`
      await admin((c) => c.query(`create database ${name}`))
      created.push(name)
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return url.toString()
    },
    progress: (message) => console.log(`  … ${message}`),
    figure: () => undefined,
    scratchDir,
  }
  console.log(`scratch: ${scratchDir}`)
  try {
    let result: WorkloadResult
    if (peer === 'graphile-worker') result = await graphileWorkerPeer.run(ctx)
    else if (peer === 'pg-boss') result = await pgBossPeer.run(ctx)
    else if (peer === 'n8n') {
      const rates = (rest[0] ?? '2,4').split(',').map(Number)
      const seconds = Number(rest[1] ?? 10)
      const { runN8nPeer } = await import('./n8n-peer.ts')
      result = await runN8nPeer({ ...ctx, quick: false }, { rates, stepMs: seconds * 1000 })
    } else if (peer === 'n8n-mapping') {
      const { checkN8nMapping } = await import('./n8n-mapping-check.ts')
      console.log(checkN8nMapping())
      return
    } else throw new Error('usage: peer-smoke.ts graphile-worker|pg-boss|n8n …')
    console.log(JSON.stringify(result, null, 2))
  } finally {
    for (const name of created) {
      await admin((c) => c.query(`drop database if exists ${name} with (force)`))
    }
  }
}

await main()
