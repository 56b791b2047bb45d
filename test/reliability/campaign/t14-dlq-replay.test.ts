// Campaign test 14: orders NetSuite refuses (their item is missing from the catalogue, a mapping
// gap) among good ones. Exactly the bad ones are dead-lettered, each with its arrival time, attempt
// count, error class and correlation id. A redrive before the fix sends each back to the DLQ after
// at most the attempt cap; once the item exists in NetSuite (the fix) a redrive delivers each once,
// and another redrive adds nothing. Replaying the window without force adds nothing; with
// force=new-scope every order is applied exactly once more, audited. Another tenant's runs are 404.
import { describe, expect, it } from 'vitest'
import type { DeadLetterRecord } from '../../../src/store/store-contract.ts'
import { waitFor } from '../../support/hub-harness.ts'
import { postgresForTests } from '../../support/postgres-availability.ts'
import {
  campaignSeed,
  adminQuery,
  netsuiteLedgerRule,
  progress,
  recordResult,
  sized,
  sleep,
  startCampaignEnv,
  type CampaignEnv,
} from './campaign-kit.ts'

const pgUrl = await postgresForTests('reliability campaign test 14')
const SEED = campaignSeed(14)
const GOOD = sized(1_800, 9_000)
const BAD = sized(200, 1_000)
const EVENTS = GOOD + BAD
const MAX_ATTEMPTS = 8
const MISSING_SKU = 'SKU-404'
const OTHER_TENANT = 'tenant-campaign-14-other'

async function api<T>(
  env: CampaignEnv,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${env.hub.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, json: (await response.json()) as T }
}

async function openDeadLetters(env: CampaignEnv): Promise<DeadLetterRecord[]> {
  const all: DeadLetterRecord[] = []
  for (let before = ''; ;) {
    const { json } = await api<{ deadLetters: DeadLetterRecord[] }>(
      env,
      `/api/v1/dlq?limit=500${before === '' ? '' : `&before=${before}`}`,
    )
    all.push(...json.deadLetters)
    const last = json.deadLetters.at(-1)
    if (json.deadLetters.length < 500 || last === undefined) return all
    before = last.id
  }
}

async function runStates(env: CampaignEnv, tenant = 'own'): Promise<Record<string, number>> {
  const rows = await adminQuery(
    env.databaseUrl,
    `select state, count(*)::int as n from flow_runs
     where ${tenant === 'own' ? `tenant_id <> '${OTHER_TENANT}'` : `tenant_id = '${OTHER_TENANT}'`}
     group by state`,
  )
  return Object.fromEntries(rows.rows.map((r: { state: string; n: number }) => [r.state, r.n]))
}

/** Writes per NetSuite record, `type:key` → [creates, writes]. */
function writesByKey(env: CampaignEnv): Map<string, [number, number]> {
  return new Map(
    env.sandbox.netsuite
      .ledger()
      .effects.map((e) => [`${e.recordType}:${e.businessKey}`, [e.creates, e.writes]]),
  )
}

/** A completed run and a dead one of another tenant, in the same database. */
async function seedOtherTenant(
  env: CampaignEnv,
  now: number,
): Promise<{ completed: string; dead: string }> {
  const inbox = await adminQuery(
    env.databaseUrl,
    `insert into inbox_messages (tenant_id, source_system, source_message_id, connection, topic, payload, received_at)
     values ('${OTHER_TENANT}', 'shopify', 'other-1', 'demo', 'orders/create', '{}', ${now}) returning id`,
  )
  const inboxId = String(inbox.rows[0]?.id)
  const runs = await adminQuery(
    env.databaseUrl,
    `insert into flow_runs (tenant_id, flow_name, business_key, state, next_run_at, inbox_id, created_at, updated_at)
     values ('${OTHER_TENANT}', 'shopify-order-to-netsuite', 'other:1', 'completed', ${now}, ${inboxId}, ${now}, ${now}),
            ('${OTHER_TENANT}', 'shopify-order-to-netsuite', 'other:2', 'dead', ${now}, ${inboxId}, ${now}, ${now})
     returning id`,
  )
  const [completed, dead] = runs.rows.map((r: { id: string }) => String(r.id))
  await adminQuery(
    env.databaseUrl,
    `insert into dead_letters (tenant_id, run_id, reason, error, attempts, dead_at, enqueued_at, correlation_id, error_class)
     values ('${OTHER_TENANT}', ${dead}, 'x', '{"type":"validation","message":"x"}', 1, ${now}, ${now}, 'other-1', 'validation')`,
  )
  return { completed: completed ?? '', dead: dead ?? '' }
}

interface ModeFigures {
  mode: 'naive' | 'honour'
  notes: string[]
  failures: string[]
  lost: number
  duplicated: number
  stuck: number
  peakRssMb: number
}

async function runMode(mode: 'naive' | 'honour'): Promise<ModeFigures> {
  const failures: string[] = []
  const check = (ok: boolean, what: string): void => {
    if (!ok) failures.push(`${mode}: ${what}`)
  }
  const env = await startCampaignEnv({
    pgUrl: pgUrl ?? '',
    sandbox: {
      seed: SEED,
      netsuite: { concurrencyLimit: 50, scenario: { seed: SEED, idempotency: mode } },
    },
    config: {
      engine: {
        idlePollMs: 50,
        concurrency: 32,
        retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2_000 },
      },
    },
  })
  try {
    const windowFrom = Date.now() - 1_000
    const other = await seedOtherTenant(env, Date.now())
    const good = env.sandbox.shopify.generateOrders({
      count: GOOD,
      ratePerSecond: 150,
      customers: GOOD / 5,
    })
    const bad = env.sandbox.shopify.generateOrders({
      count: BAD,
      ratePerSecond: 20,
      skus: [MISSING_SKU],
    })
    await Promise.all([good.done, bad.done])
    await env.sandbox.shopify.deliveriesSettled(240_000)
    const settled = (completed: number, dead: number) => () =>
      runStates(env).then((s) => (s.completed ?? 0) === completed && (s.dead ?? 0) === dead)
    check(await waitFor(settled(GOOD, BAD), 180_000, 500), 'first pass did not settle')
    progress('14', `${mode}: first pass settled`)

    // 1. Exactly the bad orders are dead-lettered, each with what an operator triages by.
    const badKeys = new Set(bad.orderIds.map((id) => `shopify:order:${id}`))
    // The correlation id is the inbox key, made from the delivery's X-Shopify-Webhook-Id or,
    // where Shopify sends one, its X-Shopify-Event-Id.
    const sourceIds = new Map(
      env.sandbox.shopify
        .deliveries()
        .map((d) => [`shopify:order:${d.orderId ?? ''}`, [d.webhookId, d.eventId]]),
    )
    const letters = await openDeadLetters(env)
    const secrets = env.sandbox.simulators.flatMap((s) =>
      s.name === 'netsuite' ? [s.clientSecret] : [s.accessToken, s.webhookSecret],
    )
    const wellFormed = letters.filter(
      (d) =>
        badKeys.has(d.businessKey) &&
        d.enqueuedAt === d.message.receivedAt &&
        d.correlationId === d.message.sourceMessageId &&
        (sourceIds.get(d.businessKey) ?? []).some((id) => d.correlationId.includes(id)) &&
        d.errorClass === 'validation' &&
        d.attempts >= 1 &&
        d.attempts <= MAX_ATTEMPTS,
    )
    const leaked = secrets.filter((s) => JSON.stringify(letters).includes(s))
    check(
      letters.length === BAD && wellFormed.length === BAD,
      `DLQ ${letters.length}, well-formed ${wellFormed.length}`,
    )
    check(leaked.length === 0, 'a secret appears in a DLQ record')

    // 2. Redrive while still bad: back to the DLQ, at most the attempt cap each, no hot loop.
    const badSalesOrders = new Set(bad.orderIds.map((id) => `SHOPIFY-O-${id}`))
    const seqBefore = env.sandbox.netsuite.requests().at(-1)?.seq ?? 0
    const first = await api<{ replayed: string[] }>(env, '/api/v1/dlq/replay', { all: true })
    check(first.json.replayed.length === BAD, `redrive 1 replayed ${first.json.replayed.length}`)
    check(
      await waitFor(async () => (await openDeadLetters(env)).length === BAD, 120_000, 500),
      'still-bad redrive did not return to the DLQ',
    )
    const perKey = new Map<string, number>()
    for (const r of env.sandbox.netsuite.requests(seqBefore)) {
      if (r.method !== 'GET' && badSalesOrders.has(r.businessKey ?? '')) {
        perKey.set(r.businessKey ?? '', (perKey.get(r.businessKey ?? '') ?? 0) + 1)
      }
    }
    const maxPerKey = Math.max(0, ...perKey.values())
    const redeadAttempts = Math.max(0, ...(await openDeadLetters(env)).map((d) => d.attempts))
    check(
      maxPerKey <= MAX_ATTEMPTS && redeadAttempts <= MAX_ATTEMPTS,
      `hot loop: ${maxPerKey} calls, ${redeadAttempts} attempts`,
    )

    // 3. The fix: the missing item is created in NetSuite. The same runs now succeed.
    env.sandbox.netsuite.records.put('inventoryItem', {
      externalId: MISSING_SKU,
      itemId: MISSING_SKU,
      displayName: 'Widget restored',
      basePrice: 12.5,
      isInactive: false,
    })
    const second = await api<{ replayed: string[] }>(env, '/api/v1/dlq/replay', { all: true })
    check(
      await waitFor(settled(EVENTS, 0), 120_000, 500),
      'fixed redrive did not deliver everything',
    )
    const afterFix = writesByKey(env)
    const deliveredBad = [...badSalesOrders].filter(
      (k) => afterFix.get(`salesOrder:${k}`)?.join() === '1,1',
    )
    check(
      deliveredBad.length === BAD,
      `after the fix ${deliveredBad.length} of ${BAD} delivered once`,
    )
    const rule = netsuiteLedgerRule(env.sandbox)
    check(
      rule.lost.length === 0 && rule.duplicated.length === 0,
      `ledger rule: ${rule.lost.length} lost, ${rule.duplicated.length} duplicated`,
    )

    // 4. Redriving again: nothing is dead, nothing is sent.
    const third = await api<{ replayed: string[] }>(env, '/api/v1/dlq/replay', { all: true })
    // 5. Replay of the window without force: every run is completed, so nothing is sent again.
    const window = { from: windowFrom, to: Date.now() + 1 }
    const plain = await api<{ alreadyApplied: number; replayed: number; matched: number }>(
      env,
      '/api/v1/replays',
      window,
    )
    await sleep(3_000)
    const unchanged = writesByKey(env)
    const newEffects = [...unchanged].filter(
      ([k, v]) => afterFix.get(k)?.join() !== v.join(),
    ).length
    const runsAfterPlain = await runStates(env)
    check(third.json.replayed.length === 0, `redrive 3 replayed ${third.json.replayed.length}`)
    check(
      plain.json.alreadyApplied === EVENTS && plain.json.replayed === 0,
      `plain replay: ${JSON.stringify(plain.json)}`,
    )
    check(
      newEffects === 0 && runsAfterPlain.completed === EVENTS,
      `${newEffects} new effects without force`,
    )

    // 6. Tenant scope: another tenant's runs are invisible, by id and inside the window.
    const foreignReplay = await api(env, '/api/v1/replays', {
      runIds: [other.completed],
      force: 'new-scope',
    })
    const unknownReplay = await api(env, '/api/v1/replays', {
      runIds: ['999999999'],
      force: 'new-scope',
    })
    const foreignRedrive = await api<{ replayed: string[] }>(env, '/api/v1/dlq/replay', {
      runIds: [other.dead],
    })
    check(
      foreignReplay.status === 404 && unknownReplay.status === 404,
      'foreign or unknown replay not 404',
    )
    check(foreignRedrive.json.replayed.length === 0, 'foreign dead run redriven')

    // 7. Forced replay in a new scope: exactly one new effect per order, and an audit record.
    const forced = await api<{ replayed: number; scope: string; auditId: string }>(
      env,
      '/api/v1/replays',
      {
        ...window,
        force: 'new-scope',
      },
    )
    check(await waitFor(settled(2 * EVENTS, 0), 180_000, 500), 'forced replay did not settle')
    await sleep(1_000)
    const afterForce = writesByKey(env)
    const salesOrderKeys = [...good.orderIds, ...bad.orderIds].map(
      (id) => `salesOrder:SHOPIFY-O-${id}`,
    )
    const onceMore = salesOrderKeys.filter((k) => {
      const [creates, writes] = afterForce.get(k) ?? [0, 0]
      return creates === 1 && writes === (afterFix.get(k)?.[1] ?? 0) + 1
    })
    const otherChanged = [...afterForce].filter(
      ([k, v]) => !k.startsWith('salesOrder:') && afterFix.get(k)?.join() !== v.join(),
    ).length
    const audit = await adminQuery(
      env.databaseUrl,
      `select action, outcome, details->>'replayed' as replayed, interaction_id from audit_log order by id`,
    )
    const audited = audit.rows.map(
      (r: { action: string; outcome: string; replayed: string }) =>
        `${r.action}:${r.outcome}:${r.replayed}`,
    )
    const otherRuns = await runStates(env, 'other')
    check(
      forced.status === 200 && forced.json.replayed === EVENTS,
      `forced replay answered ${forced.status}: ${JSON.stringify(forced.json).slice(0, 300)}`,
    )
    check(
      onceMore.length === EVENTS && otherChanged === 0,
      `forced: ${onceMore.length} of ${EVENTS} applied once more, ${otherChanged} other records changed`,
    )
    check(
      audited.filter((a) => a === `replay.force-new-scope:ok:${EVENTS}`).length === 1,
      `audit: ${audited.join(' ')}`,
    )
    check(
      audited.filter((a) => a.startsWith('dlq.redrive:ok')).length === 4,
      `redrive audit: ${audited.join(' ')}`,
    )
    check(
      otherRuns.completed === 1 && otherRuns.dead === 1,
      `other tenant's runs changed: ${JSON.stringify(otherRuns)}`,
    )

    return {
      mode,
      failures,
      lost: rule.lost.length + (BAD - deliveredBad.length),
      duplicated: rule.duplicated.length + (EVENTS - onceMore.length),
      stuck: EVENTS * 2 - ((await runStates(env)).completed ?? 0),
      peakRssMb: env.hub.peakRssMb,
      notes: [
        `${mode} target: DLQ held ${letters.length} (${wellFormed.length} with arrival time, attempts ≤ ${MAX_ATTEMPTS}, error class, correlation id from the Shopify delivery); ${leaked.length} secrets in DLQ records`,
        `${mode}: redrive while still bad: ${first.json.replayed.length} sent back, all dead again; at most ${maxPerKey} NetSuite write(s) per order and ${redeadAttempts} attempt(s) (cap ${MAX_ATTEMPTS})`,
        `${mode}: after the fix (item ${MISSING_SKU} created in NetSuite) a redrive of ${second.json.replayed.length} delivered ${deliveredBad.length} once each; a further redrive replayed ${third.json.replayed.length}`,
        `${mode}: replay of the ${EVENTS}-run window without force: ${plain.json.alreadyApplied} already applied, ${newEffects} new effects`,
        `${mode}: replay with force=new-scope: ${forced.json.replayed} new runs, ${onceMore.length} sales orders applied exactly once more (an update by externalId), ${otherChanged} other records written; audit record ${forced.json.auditId}`,
        `${mode}: another tenant's run id → ${foreignReplay.status}, an unknown id → ${unknownReplay.status}, redrive of another tenant's dead run replayed ${foreignRedrive.json.replayed.length}`,
      ],
    }
  } finally {
    await env.dispose()
  }
}

describe.runIf(pgUrl)('campaign 14: DLQ, redrive and replay', () => {
  it('dead-letters exactly the bad events, redrives them once fixed, and replays by scope', async () => {
    const started = Date.now()
    const results: ModeFigures[] = []
    for (const mode of ['naive', 'honour'] as const) results.push(await runMode(mode))
    const failures = results.flatMap((r) => r.failures)
    recordResult({
      test: '14',
      file: 't14-dlq-replay.test.ts',
      name: 'DLQ, redrive and replay (both target modes)',
      seed: SEED,
      passed: failures.length === 0,
      events: 2 * EVENTS,
      faults: { invalidOrders: 2 * BAD },
      lost: results.reduce((n, r) => n + r.lost, 0),
      duplicated: results.reduce((n, r) => n + r.duplicated, 0),
      stale: 0,
      stuck: results.reduce((n, r) => n + r.stuck, 0),
      regressions: 0,
      recoveryMs: null,
      peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
      durationMs: Date.now() - started,
      notes: [...results.flatMap((r) => r.notes), ...failures.map((f) => `FAILED ${f}`)],
    })
    expect(failures).toEqual([])
  })
})
