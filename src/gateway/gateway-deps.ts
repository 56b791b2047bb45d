/** @module gateway/gateway-deps — everything the gateway needs, handed in by the composition root.
 *
 * The gateway knows HTTP; it does not know which store, engine build or connectors stand behind
 * these functions, so it can be tested and reused with any of them.
 */
import type { Registry } from 'prom-client'
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { AgedBreak, BreakMoveOutcome } from '../reconciliation/break-operations.ts'
import type {
  ApprovalDecideResult,
  ApprovalState,
  ApprovalTask,
  AuditActor,
  BreakState,
  DeadLetterRecord,
  ReplayForceMode,
  RunReplayWindowResult,
  RunRecord,
  RunState,
  StepRecord,
  CrossReferenceRecord,
  JsonValue,
  ReconciliationRun,
  StoreStats,
} from '../store/store-contract.ts'
import type { AlertStatus } from '../policies/alert-evaluator.ts'

/** What a connector's inbound side extracted from one verified webhook. */
export interface InboundAcceptance {
  /** The source's delivery id (e.g. `X-Shopify-Webhook-Id`): the inbox dedup key. */
  sourceMessageId: string
  topic: string
  /** When the source says the event happened, epoch ms. */
  triggeredAt: number | null
  /** Ordering key of the entity this message is about, e.g. `shopify:order:820982911946154508`. */
  businessKey: string
  /** True when the event is older than the connection's staleness bound (accepted, but flagged). */
  stale: boolean
  /**
   * Events for runs waiting on them (`ctx.waitForEvent`), e.g. a 3PL's shipment for the order
   * run waiting on its fulfillment: delivered with `GatewayDeps.signal` after the message is
   * stored and before the webhook is answered. `eventId` makes a retried webhook's signal a no-op.
   */
  signals?: readonly InboundSignal[]
}

export interface InboundSignal {
  eventId: string
  correlationKey: string
  name: string
  payload: JsonValue
}

export interface WebhookReceiver {
  readonly sourceSystem: string
  readonly tenantId: string
  /**
   * Verifies the signature over the raw bytes, then parses.
   * Throws `HubError` with type `auth` for a missing/forged signature (→ 401) and `validation` for a
   * malformed body or missing header (→ 400).
   */
  accept(input: {
    rawBody: Buffer
    headers: Record<string, string>
    now: number
  }): InboundAcceptance
}

export interface IngestRequest {
  tenantId: string
  sourceSystem: string
  connection: string
  rawBody: string
  headers: Record<string, string>
  acceptance: InboundAcceptance
}

export interface RunDetail extends RunRecord {
  steps: StepRecord[]
}

export interface SandboxSimulatorInfo {
  name: string
  baseUrl: string
  scenarioUrl: string
}

export interface HubSummary {
  received: number
  duplicates: number
  delivered: number
  retrying: number
  deadLettered: number
  /** p95 of source receipt → run completion over the recent window, ms; null before any completion. */
  p95PropagationMs: number | null
}

export interface GatewayDeps {
  clock: Clock
  logger: Logger
  /** Prometheus registry served on GET /metrics. */
  metrics: Registry
  tenantId: string
  /** Largest accepted webhook body in bytes; larger → 413 before the body is buffered. */
  bodyLimitBytes: number
  webhookReceiver(sourceSystem: string, connection: string): WebhookReceiver | undefined
  /** Commits the message (and its runs) durably; throws `StoreUnavailableError` when it cannot. */
  /** `signal` aborts when the webhook has been answered without waiting any longer for the commit. */
  ingest(
    request: IngestRequest,
    options?: { signal?: AbortSignal },
  ): Promise<{ duplicate: boolean; runIds: string[] }>
  /**
   * Commits an event for the runs waiting on its correlation key (`HubEngine.signal`): recorded
   * once per `eventId`. Needed by connections whose webhooks carry `signals` (the 3PL's).
   */
  signal?(input: InboundSignal): Promise<void>
  /** Resolves when the hub can accept work (store reachable, migrations applied). */
  ready(): Promise<void>
  runs: {
    list(params: {
      businessKey?: string
      flowName?: string
      state?: RunState
      limit: number
      beforeId?: string
    }): Promise<RunRecord[]>
    get(runId: string): Promise<RunDetail | undefined>
  }
  deadLetters: {
    list(params: {
      limit: number
      beforeId?: string
      includeReplayed?: boolean
    }): Promise<DeadLetterRecord[]>
    /** Replays the given dead runs, or all when `runIds` is omitted; audited as `dlq.redrive`. */
    replay(params: { runIds?: string[] }, audit?: AuditActor): Promise<{ replayed: string[] }>
  }
  replays: {
    /** Runs one request may select; more is refused, to be narrowed. */
    readonly maxRuns: number
    /** Replays completed runs of this tenant, by window or ids; writes one audit record. */
    create(params: {
      window?: { from: number; to: number }
      runIds?: string[]
      flowName?: string
      force?: ReplayForceMode
      audit: AuditActor
    }): Promise<RunReplayWindowResult>
  }
  approvals: {
    list(params: {
      state?: ApprovalState
      assignee?: string
      limit: number
      beforeId?: string
    }): Promise<ApprovalTask[]>
    /** Decides an open task, wakes its run and audits it (`approval.approve` / `approval.reject`). */
    decide(params: {
      taskId: string
      decision: 'approved' | 'rejected'
      reason: string | null
      by: string
      audit: AuditActor
    }): Promise<ApprovalDecideResult>
  }
  reconciliation: {
    /** Newest first, each with its age (open → now, or open → closed). */
    listBreaks(params: {
      state?: BreakState
      runId?: string
      limit: number
      beforeId?: string
    }): Promise<AgedBreak[]>
    /** Gives an open or healing break to a person; audited. */
    assign(params: {
      breakId: string
      assignee: string
      note?: string
      audit: AuditActor
    }): Promise<BreakMoveOutcome>
    /** Closes an assigned break with a note of what was done; audited. */
    close(params: { breakId: string; note: string; audit: AuditActor }): Promise<BreakMoveOutcome>
  }
  crossReferences: {
    find(params: {
      businessKey?: string
      entityType?: string
      sourceId?: string
      limit: number
    }): Promise<CrossReferenceRecord[]>
  }
  /**
   * Reconciliation runs on request (server/hub-reconciliation.ts). Absent in a gateway built
   * without the hub's reconciliation jobs: the runs routes then answer 404 for every domain.
   */
  reconciliationRuns?: {
    /** The domains with a job bound in this hub, e.g. `orderLifecycle`. */
    readonly domains: readonly string[]
    /** Begins a run unless the domain has one running (`running`: that run). */
    start(
      domain: string,
      audit: AuditActor,
    ): Promise<
      | { outcome: 'started' | 'running' | 'recent'; run: ReconciliationRun }
      | { outcome: 'unknown_domain' }
    >
    get(
      runId: string,
    ): Promise<{ run: ReconciliationRun; breaks: Record<BreakState, number> } | null>
  }
  stats(): Promise<StoreStats & { summary: HubSummary }>
  /**
   * The consistency policies' alerts as last evaluated (server/hub-alerting.ts). Absent in a
   * gateway built without the hub's alert loop: GET /api/v1/alerts is then not served.
   */
  alerts?: { list(): readonly AlertStatus[] }
  sandbox(): SandboxSimulatorInfo[]
}
