/** @module test/gateway/gateway-deps-fixture — a GatewayDeps backed by arrays, for HTTP tests.
 *
 * The gateway's own seam, filled in by hand: the tests exercise HTTP behaviour (status codes,
 * limits, error bodies) without a store, and can make any dependency fail on demand.
 */
import { createHmac } from 'node:crypto'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { Registry, Counter } from 'prom-client'
import { manualClock } from '../../src/clock/clock.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import type {
  GatewayDeps,
  IngestRequest,
  RunDetail,
  WebhookReceiver,
} from '../../src/gateway/gateway-deps.ts'
import type {
  CrossReferenceRecord,
  DeadLetterRecord,
  RunRecord,
  StoreStats,
} from '../../src/store/store-contract.ts'

export const WEBHOOK_KEY = 'fixture-signing-key-do-not-log'

export function sign(body: string | Buffer): string {
  return createHmac('sha256', WEBHOOK_KEY).update(body).digest('base64')
}

/** A receiver shaped like the Shopify one: HMAC over the raw bytes, id and topic from headers. */
function testReceiver(calls: { accept: number }): WebhookReceiver {
  return {
    sourceSystem: 'shopify',
    tenantId: 'tenant-a',
    accept({ rawBody, headers }) {
      calls.accept += 1
      if (headers['x-test-hmac'] !== sign(rawBody)) {
        throw HubError.auth('the X-Test-Hmac signature does not match the body')
      }
      const id = headers['x-test-webhook-id']
      if (id === undefined) throw HubError.validation('the X-Test-Webhook-Id header is missing')
      let parsed: { id?: unknown }
      try {
        parsed = JSON.parse(rawBody.toString('utf8')) as { id?: unknown }
      } catch {
        throw HubError.validation('the body is not valid JSON')
      }
      return {
        sourceMessageId: id,
        topic: headers['x-test-topic'] ?? 'orders/create',
        triggeredAt: null,
        businessKey: `shopify:order:${String(parsed.id)}`,
        stale: false,
      }
    },
  }
}

export function run(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    tenantId: 'tenant-a',
    flowName: 'order-to-netsuite',
    businessKey: `shopify:order:${id}`,
    state: 'completed',
    attempt: 0,
    nextRunAt: 0,
    createdAt: 1,
    updatedAt: 2,
    completedAt: 2,
    lastError: null,
    output: null,
    inboxId: id,
    replayScope: null,
    replayOf: null,
    ...overrides,
  }
}

export interface FixtureState {
  deps: GatewayDeps
  logLines: string[]
  calls: {
    accept: number
    ingest: IngestRequest[]
    /** The signal each ingest was given, in order. */
    ingestSignals: (AbortSignal | undefined)[]
    runList: unknown[]
    replay: unknown[]
    replays: Parameters<GatewayDeps['replays']['create']>[0][]
  }
  runs: RunDetail[]
  deadLetters: DeadLetterRecord[]
  crossReferences: CrossReferenceRecord[]
  /** `ingestHangs`: the store never confirms a commit (frozen, failing over). */
  fail: { ingest?: Error; ingestHangs?: boolean; ready?: Error; stats?: Error }
}

export function createFixture(options: { bodyLimitBytes?: number } = {}): FixtureState {
  const logLines: string[] = []
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'))
        callback()
      },
    }),
  )
  const registry = new Registry()
  new Counter({
    name: 'syncline_fixture_total',
    help: 'A fixture counter.',
    registers: [registry],
  }).inc(3)

  const inbox = new Map<string, string[]>()
  let nextRunId = 100
  const calls = {
    accept: 0,
    ingest: [] as IngestRequest[],
    ingestSignals: [] as (AbortSignal | undefined)[],
    runList: [] as unknown[],
    replay: [] as unknown[],
    replays: [] as Parameters<GatewayDeps['replays']['create']>[0][],
  }
  const state: FixtureState = {
    logLines,
    calls,
    runs: [{ ...run('7', { state: 'dead' }), steps: [] }],
    deadLetters: [],
    crossReferences: [],
    fail: {},
    deps: undefined as unknown as GatewayDeps,
  }
  const receiver = testReceiver(calls)
  const stats: StoreStats = {
    runsByState: {
      pending: 1,
      running: 0,
      retrying: 0,
      waiting: 0,
      completed: 5,
      dead: 1,
      compensated: 0,
    },
    backlogByFlow: { 'order-to-netsuite': 1 },
    oldestBacklogAgeMs: 10,
    deadLetters: 1,
    stepsInDoubt: 0,
    inboxMessages: 7,
  }

  state.deps = {
    clock: manualClock(),
    logger,
    metrics: registry,
    tenantId: 'tenant-a',
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    webhookReceiver: (system, connection) =>
      system === 'shopify' && connection === 'main-store' ? receiver : undefined,
    ingest(request, options) {
      calls.ingest.push(request)
      calls.ingestSignals.push(options?.signal)
      if (state.fail.ingest !== undefined) return Promise.reject(state.fail.ingest)
      if (state.fail.ingestHangs === true) return new Promise(() => undefined)
      const known = inbox.get(request.acceptance.sourceMessageId)
      if (known !== undefined) return Promise.resolve({ duplicate: true, runIds: known })
      const runIds = [String(nextRunId++)]
      inbox.set(request.acceptance.sourceMessageId, runIds)
      return Promise.resolve({ duplicate: false, runIds })
    },
    ready: () =>
      state.fail.ready === undefined ? Promise.resolve() : Promise.reject(state.fail.ready),
    runs: {
      list(params) {
        calls.runList.push(params)
        return Promise.resolve(
          state.runs
            .filter((r) => params.state === undefined || r.state === params.state)
            .slice(0, params.limit),
        )
      },
      get: (runId) => Promise.resolve(state.runs.find((r) => r.id === runId)),
    },
    deadLetters: {
      list: (params) => Promise.resolve(state.deadLetters.slice(0, params.limit)),
      replay(params) {
        calls.replay.push(params)
        return Promise.resolve({ replayed: params.runIds ?? state.deadLetters.map((d) => d.runId) })
      },
    },
    // Approval routes are tested against the real hub (test/server/approval-api.test.ts).
    approvals: {
      list: () => Promise.resolve([]),
      decide: () => Promise.resolve({ outcome: 'not_found' as const }),
    },
    // Reconciliation routes are tested on the real store (test/gateway/reconciliation-api.test.ts).
    reconciliation: {
      listBreaks: () => Promise.resolve([]),
      assign: () => Promise.resolve({ outcome: 'not_found' as const }),
      close: () => Promise.resolve({ outcome: 'not_found' as const }),
    },
    replays: {
      maxRuns: 5,
      // The store's rules in miniature: unknown ids refuse the whole request, a window selects by
      // creation time, and only completed runs are replayed.
      create(params) {
        calls.replays.push(params)
        const notFound = (params.runIds ?? []).filter((id) => !state.runs.some((r) => r.id === id))
        const { window } = params
        const selected = state.runs.filter((r) =>
          window === undefined
            ? params.runIds?.includes(r.id)
            : r.createdAt >= window.from && r.createdAt < window.to,
        )
        const outcome = notFound.length > 0 ? 'not_found' : selected.length > 5 ? 'too_many' : 'ok'
        const completed = outcome === 'ok' ? selected.filter((r) => r.state === 'completed') : []
        const forced = params.force !== undefined
        return Promise.resolve({
          outcome,
          matched: outcome === 'ok' ? selected.length : 0,
          replays: forced
            ? completed.map((r) => ({ runId: r.id, replayRunId: String(nextRunId++) }))
            : [],
          alreadyApplied: forced ? 0 : completed.length,
          notCompleted: outcome === 'ok' ? selected.length - completed.length : 0,
          notFound,
          scope: forced && outcome === 'ok' ? 'replay-fixture' : null,
          auditId: '1',
        })
      },
    },
    crossReferences: {
      find: (params) =>
        Promise.resolve(
          state.crossReferences
            .filter((x) => params.businessKey === undefined || x.businessKey === params.businessKey)
            .slice(0, params.limit),
        ),
    },
    stats: () =>
      state.fail.stats === undefined
        ? Promise.resolve({
            ...stats,
            summary: {
              received: 7,
              duplicates: 1,
              delivered: 5,
              retrying: 0,
              deadLettered: 1,
              p95PropagationMs: 840,
            },
          })
        : Promise.reject(state.fail.stats),
    sandbox: () => [
      {
        name: 'shopify',
        baseUrl: 'http://127.0.0.1:9001',
        scenarioUrl: 'http://127.0.0.1:9001/_scenario',
      },
    ],
  }
  return state
}
