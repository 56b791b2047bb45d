/** @module test/store/flow-health.test — on both stores, the per-flow health the policy alerts read is what the runs' states and times imply. */
import { expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import type { HubEngine } from '../../src/engine/hub-engine.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { describeOnStores, SOURCE, type Bench } from '../engine/engine-test-kit.ts'

const pgUrl = await postgresForTests('flow health')
const HOUR = 3_600_000
const WINDOW = 60_000

/** Until the operator "fixes the data", the target refuses the `dead-` keys for good. */
let refusing = true

/** What a run does is read from its business key, so one flow shows every outcome. */
const outcomes = defineFlow({
  name: 'health-a',
  trigger: { sourceSystem: SOURCE, topics: ['a'] },
  async run(ctx) {
    if (refusing && ctx.businessKey.startsWith('dead')) {
      throw HubError.validation('refused for good')
    }
    if (ctx.businessKey.startsWith('sleep')) await ctx.sleep('nap', HOUR)
    if (ctx.businessKey.startsWith('undo')) await ctx.compensate('credit check said no')
    return { ok: true }
  },
})
const backlog = defineFlow({
  name: 'health-b',
  trigger: { sourceSystem: SOURCE, topics: ['b'] },
  run: () => Promise.resolve({ ok: true }),
})

async function ingest(engine: HubEngine, topic: string, key: string): Promise<void> {
  await engine.ingest({
    sourceSystem: SOURCE,
    sourceMessageId: `${topic}-${key}`,
    connection: 'main',
    topic,
    payload: '{}',
    headers: {},
    triggeredAt: null,
    businessKey: key,
  })
}

async function drain(engine: HubEngine): Promise<void> {
  while ((await engine.runOnce()) > 0) {
    // Until nothing is due.
  }
}

const health = (b: Bench) =>
  b.store.flowHealth({ tenantId: b.tenantId, now: b.clock.now(), windowMs: WINDOW })

describeOnStores('flow health', pgUrl, (bench) => {
  it('counts dead runs now, the oldest unprocessed run, and finishes and failures in the window', async () => {
    const b = bench()
    refusing = true
    const engine = b.engine({ flows: [outcomes, backlog] })
    const start = b.clock.now()
    for (const key of ['ok-1', 'ok-2', 'dead-1', 'sleep-1', 'undo-1']) {
      await ingest(engine, 'a', key)
    }
    await drain(engine)
    b.clock.advance(10_000)
    await ingest(engine, 'b', 'late-1')
    b.clock.advance(5_000)

    // The sleeping run waits on purpose (no lag); the compensated one finished without failing.
    expect(await health(b)).toEqual([
      { flowName: 'health-a', deadRuns: 1, oldestUnprocessedAt: null, finished: 4, failed: 1 },
      {
        flowName: 'health-b',
        deadRuns: 0,
        oldestUnprocessedAt: start + 10_000,
        finished: 0,
        failed: 0,
      },
    ])

    // Past the window, finishes age out; a dead run stays counted until it is replayed.
    b.clock.advance(WINDOW + 1)
    expect(await health(b)).toEqual([
      { flowName: 'health-a', deadRuns: 1, oldestUnprocessedAt: null, finished: 0, failed: 0 },
      {
        flowName: 'health-b',
        deadRuns: 0,
        oldestUnprocessedAt: start + 10_000,
        finished: 0,
        failed: 0,
      },
    ])

    // A replay takes the run out of the dead count and back into the backlog, dated by its event.
    const { replayed } = await b.store.runReplay({ tenantId: b.tenantId, now: b.clock.now() })
    expect(replayed).toHaveLength(1)
    expect((await health(b))[0]).toEqual({
      flowName: 'health-a',
      deadRuns: 0,
      oldestUnprocessedAt: start,
      finished: 0,
      failed: 0,
    })
    refusing = false
    await drain(engine)
    expect(await health(b)).toEqual([
      { flowName: 'health-a', deadRuns: 0, oldestUnprocessedAt: null, finished: 1, failed: 0 },
      { flowName: 'health-b', deadRuns: 0, oldestUnprocessedAt: null, finished: 1, failed: 0 },
    ])
  })
})
