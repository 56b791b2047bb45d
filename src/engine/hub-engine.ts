/** @module engine/hub-engine — the engine's front door: ingest, work, operate.
 *
 * Glossary: an *inbox message* is an inbound event committed before it is acknowledged; a *run*
 * is one execution of a flow for one message; a *step* is a memoized unit of a run; a *delivery*
 * is a step with an effect on an external system; the *dead-letter queue* holds runs that cannot
 * succeed without an operator.
 */
import { randomUUID } from 'node:crypto'
import { systemClock, type Clock } from '../clock/clock.ts'
import type {
  ApprovalDecideResult,
  AuditActor,
  EventSignalResult,
  InboxIngestResult,
  JsonValue,
  ReplayForceMode,
  RunReplayWindowResult,
  Store,
} from '../store/store-contract.ts'
import { noCrashPoints, type CrashPoints } from './crash-points.ts'
import { silentObserver, type EngineObserver } from './engine-observer.ts'
import type { FlowDefinition } from './flow-definition.ts'
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.ts'
import { TargetGates, type TargetLimits } from './target-gate.ts'
import { WorkerLoop } from './worker-loop.ts'

export interface EngineOptions {
  store: Store
  flows: FlowDefinition[]
  tenantId: string
  clock?: Clock
  observer?: EngineObserver
  retryPolicy?: Partial<RetryPolicy>
  /** Lease length; a run held by a dead worker is claimable again after this. */
  leaseMs?: number
  heartbeatMs?: number
  concurrency?: number
  claimBatch?: number
  idlePollMs?: number
  /** Limits for targets not configured explicitly. */
  defaultTargetLimits?: TargetLimits
  random?: () => number
  workerId?: string
  /** Test-only: where the reliability campaign may kill the process. */
  crashPoints?: CrashPoints
  onError?: (error: unknown) => void
}

export interface IngestInput {
  sourceSystem: string
  sourceMessageId: string
  connection: string
  topic: string
  payload: string
  headers: Record<string, string>
  triggeredAt: number | null
  businessKey: string
}

export interface ReplayRequest {
  /** Runs created in [from, to) (epoch ms), or the runs named by `runIds`. */
  window?: { from: number; to: number }
  runIds?: string[]
  flowName?: string
  force?: ReplayForceMode
  audit: AuditActor
}

/** Runs one replay request may select; a wider window is refused so that it is narrowed. */
export const MAX_REPLAY_RUNS = 10_000

export const defaultEngineTiming = {
  leaseMs: 20_000,
  heartbeatMs: 5_000,
  concurrency: 32,
  claimBatch: 32,
  idlePollMs: 250,
} as const

export class HubEngine {
  readonly store: Store
  readonly gates: TargetGates
  readonly clock: Clock
  readonly tenantId: string
  readonly #flows: FlowDefinition[]
  readonly #observer: EngineObserver
  readonly #worker: WorkerLoop
  readonly #crashPoints: CrashPoints

  constructor(options: EngineOptions) {
    this.store = options.store
    this.clock = options.clock ?? systemClock
    this.tenantId = options.tenantId
    this.#flows = options.flows
    this.#observer = options.observer ?? silentObserver
    this.gates = new TargetGates(this.clock, this.#observer, options.defaultTargetLimits)
    this.#crashPoints = options.crashPoints ?? noCrashPoints
    const leaseMs = options.leaseMs ?? defaultEngineTiming.leaseMs
    const concurrency = options.concurrency ?? defaultEngineTiming.concurrency
    this.#worker = new WorkerLoop(
      {
        store: this.store,
        clock: this.clock,
        observer: this.#observer,
        gates: this.gates,
        retryPolicy: { ...defaultRetryPolicy, ...options.retryPolicy },
        leaseMs,
        heartbeatMs: options.heartbeatMs ?? Math.min(defaultEngineTiming.heartbeatMs, leaseMs / 3),
        random: options.random ?? Math.random,
        crashPoints: this.#crashPoints,
        onError: options.onError ?? (() => {}),
      },
      this.#flows,
      {
        tenantId: this.tenantId,
        workerId: options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`,
        concurrency,
        claimBatch: options.claimBatch ?? defaultEngineTiming.claimBatch,
        idlePollMs: options.idlePollMs ?? defaultEngineTiming.idlePollMs,
      },
    )
  }

  /** The flows a message from this source and topic starts. */
  flowsFor(sourceSystem: string, topic: string): FlowDefinition[] {
    return this.#flows.filter(
      (f) => f.trigger.sourceSystem === sourceSystem && f.trigger.topics.includes(topic),
    )
  }

  /**
   * Commits the message and the runs it starts in one transaction. Resolves only once committed:
   * the caller acknowledges the producer after this and never before. Aborting `signal` drops a
   * message still queued for its commit (see Store.inboxIngest).
   */
  async ingest(
    input: IngestInput,
    options: { signal?: AbortSignal } = {},
  ): Promise<InboxIngestResult> {
    const flows = this.flowsFor(input.sourceSystem, input.topic)
    const result = await this.store.inboxIngest(
      {
        tenantId: this.tenantId,
        ...input,
        receivedAt: this.clock.now(),
        runs: flows.map((f) => ({ flowName: f.name, businessKey: input.businessKey })),
      },
      options,
    )
    this.#crashPoints.hit('after_ingest_commit_before_ack')
    if (result.inserted) {
      this.#observer.ingested({
        tenantId: this.tenantId,
        sourceSystem: input.sourceSystem,
        topic: input.topic,
        runs: result.runIds.length,
      })
      if (result.runIds.length > 0) this.#worker.notify()
    } else {
      this.#observer.duplicate({
        tenantId: this.tenantId,
        sourceSystem: input.sourceSystem,
        topic: input.topic,
      })
    }
    return result
  }

  /**
   * Redrive: puts dead runs back to work; their completed steps stay memoized and keys are reused,
   * and each gets the full attempt budget again (a still-bad run dies again, it cannot hot-loop).
   */
  async replay(runIds?: string[], audit?: AuditActor): Promise<{ replayed: string[] }> {
    const result = await this.store.runReplay({
      tenantId: this.tenantId,
      now: this.clock.now(),
      ...(runIds === undefined ? {} : { runIds }),
      ...(audit === undefined ? {} : { audit }),
    })
    if (result.replayed.length > 0) this.#worker.notify()
    return result
  }

  /**
   * Replays completed runs. Without force it adds nothing (their effects stand); with `new-scope`
   * each gets a new run whose deliveries carry keys of a scope made here, unique to this request.
   */
  async replayCompleted(request: ReplayRequest): Promise<RunReplayWindowResult> {
    const result = await this.store.runReplayWindow({
      tenantId: this.tenantId,
      now: this.clock.now(),
      maxRuns: MAX_REPLAY_RUNS,
      ...request,
      ...(request.force === undefined ? {} : { scope: `replay-${randomUUID()}` }),
    })
    if (result.replays.length > 0) this.#worker.notify()
    return result
  }

  /**
   * Delivers an event to the runs waiting for `correlationKey` (`ctx.waitForEvent`): recorded once
   * per `eventId`, kept for the first later wait when none waits yet. Resolves once committed.
   */
  async signal(input: {
    eventId: string
    correlationKey: string
    name: string
    payload: JsonValue
  }): Promise<EventSignalResult> {
    const result = await this.store.eventSignal({
      tenantId: this.tenantId,
      now: this.clock.now(),
      ...input,
    })
    if (result.woke.length > 0) this.#worker.notify()
    return result
  }

  /** Decides an open approval task (`ctx.approval`) and wakes its run; audited. */
  async decideApproval(params: {
    taskId: string
    decision: 'approved' | 'rejected'
    reason: string | null
    by: string
    audit: AuditActor
  }): Promise<ApprovalDecideResult> {
    const result = await this.store.approvalDecide({
      tenantId: this.tenantId,
      now: this.clock.now(),
      ...params,
    })
    if (result.outcome === 'decided' && result.woke.length > 0) this.#worker.notify()
    return result
  }

  start(): void {
    this.#worker.start()
  }

  stop(): Promise<void> {
    return this.#worker.stop()
  }

  /** Claims and executes one batch synchronously (tests with a manual clock). */
  runOnce(): Promise<number> {
    return this.#worker.runOnce()
  }
}
