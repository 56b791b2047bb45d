/** @module server/hub-gateway-deps — the gateway's view of the engine, store and connectors. */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import { createShopifyWebhookReceiver } from '../connectors/shopify/shopify-webhook-receiver.ts'
import { createThreePlWebhookReceiver } from '../connectors/threepl/threepl-webhook-receiver.ts'
import { MAX_REPLAY_RUNS, type HubEngine } from '../engine/hub-engine.ts'
import type { GatewayDeps, WebhookReceiver } from '../gateway/gateway-deps.ts'
import type { EngineMetrics } from '../observability/engine-metrics.ts'
import { assignBreak, closeBreak, withAge } from '../reconciliation/break-operations.ts'
import type { Sandbox } from '../sandbox/sandbox-host.ts'
import type { Store } from '../store/store-contract.ts'
import type { HubConfig } from './hub-config.ts'
import type { ResolvedConnections } from './hub-connections.ts'

export function buildGatewayDeps(parts: {
  config: HubConfig
  connections: ResolvedConnections
  engine: HubEngine
  store: Store
  metrics: EngineMetrics
  logger: Logger
  clock: Clock
  sandbox: Sandbox | undefined
}): GatewayDeps {
  const { config, engine, store, clock } = parts
  const tenantId = config.tenantId
  const receivers = new Map<string, WebhookReceiver>()
  for (const [name, connection] of parts.connections.shopify) {
    receivers.set(`shopify/${name}`, createShopifyWebhookReceiver({ tenantId, connection }))
  }
  for (const [name, connection] of parts.connections.threepl) {
    receivers.set(`threepl/${name}`, createThreePlWebhookReceiver({ tenantId, connection }))
  }
  return {
    clock,
    logger: parts.logger,
    metrics: parts.metrics.registry,
    tenantId,
    bodyLimitBytes: config.gateway.bodyLimitBytes,
    webhookReceiver: (system, connection) => receivers.get(`${system}/${connection}`),
    async ingest(request, options) {
      const result = await engine.ingest(
        {
          sourceSystem: request.sourceSystem,
          sourceMessageId: request.acceptance.sourceMessageId,
          connection: request.connection,
          topic: request.acceptance.topic,
          payload: request.rawBody,
          headers: request.headers,
          triggeredAt: request.acceptance.triggeredAt,
          businessKey: request.acceptance.businessKey,
        },
        options,
      )
      return { duplicate: !result.inserted, runIds: result.runIds }
    },
    // The 3PL's shipment and backorder events wake the order-to-cash runs waiting on them.
    async signal(input) {
      await engine.signal(input)
    },
    ready: () => store.ping(),
    runs: {
      list: (params) => store.runList({ tenantId, ...params }),
      get: (runId) => store.runGet({ tenantId, runId }),
    },
    deadLetters: {
      list: (params) => store.deadLetterList({ tenantId, ...params }),
      replay: (params, audit) => engine.replay(params.runIds, audit),
    },
    replays: {
      maxRuns: MAX_REPLAY_RUNS,
      create: (params) => engine.replayCompleted(params),
    },
    approvals: {
      list: (params) => store.approvalList({ tenantId, ...params }),
      decide: (params) => engine.decideApproval(params),
    },
    reconciliation: {
      listBreaks: async (params) => {
        const now = clock.now()
        const breaks = await store.reconciliationBreakList({ tenantId, ...params })
        return breaks.map((b) => withAge(b, now))
      },
      assign: (params) => assignBreak(store, { tenantId, now: clock.now(), ...params }),
      close: (params) => closeBreak(store, { tenantId, now: clock.now(), ...params }),
    },
    crossReferences: {
      find: (params) => store.crossReferenceFind({ tenantId, ...params }),
    },
    async stats() {
      const stats = await store.statsGet({ tenantId, now: clock.now() })
      return { ...stats, summary: parts.metrics.summary() }
    },
    sandbox: () =>
      (parts.sandbox?.simulators ?? []).map((s) => ({
        name: s.name,
        baseUrl: s.baseUrl,
        scenarioUrl: s.scenarioUrl,
      })),
  }
}
