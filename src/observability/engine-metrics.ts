/** @module observability/engine-metrics — the EngineObserver, implemented with Prometheus metrics.
 *
 * Label values come only from flow names, target names, source systems, topics and error types,
 * never from payloads or credentials, so a scrape cannot leak a secret and cardinality stays small.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { EngineObserver } from '../engine/engine-observer.ts'
import { createPropagationWindow } from './propagation-window.ts'

export interface EngineSummary {
  /** Inbound messages committed (duplicates excluded). */
  received: number
  duplicates: number
  /** Runs that finished: every delivery of the message reached its target (an order landed). */
  delivered: number
  /** Runs whose latest reported event is a retry: waiting for their next attempt now. */
  retrying: number
  deadLettered: number
  /** p95 of receipt → completion over the last completions, ms; null before any completion. */
  p95PropagationMs: number | null
}

export type BacklogCollector = () => Promise<Record<string, number>>

export interface EngineMetrics {
  registry: Registry
  observer: EngineObserver
  // Function-valued properties, not methods: callers pass them around unbound.
  summary: () => EngineSummary
  /** Called on every scrape to fill `syncline_backlog{flow}` (usually from the store's stats). */
  setBacklogCollector: (collector: BacklogCollector) => void
}

/** Seconds. Deliveries and propagation range from a local hop (5 ms) to a slow ERP call (60 s). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]

const CIRCUIT_VALUES = { closed: 0, half_open: 1, open: 2 } as const

export interface EngineMetricsOptions {
  /** How many recent completions the summary's p95 is computed over. */
  windowSize?: number
  /** Off for tests that build many registries and only care about the engine series. */
  defaultMetrics?: boolean
}

export function createEngineMetrics(
  registry: Registry = new Registry(),
  options: EngineMetricsOptions = {},
): EngineMetrics {
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'syncline_' })
  }
  const registers = [registry]

  const ingested = new Counter({
    name: 'syncline_ingested_total',
    help: 'Inbound messages committed to the inbox (duplicates excluded).',
    labelNames: ['source', 'topic'] as const,
    registers,
  })
  const duplicates = new Counter({
    name: 'syncline_duplicates_total',
    help: 'Inbound messages acknowledged again because they were already stored.',
    labelNames: ['source'] as const,
    registers,
  })
  const delivered = new Counter({
    name: 'syncline_delivered_total',
    help: 'Delivery steps that reached their target with a recorded result.',
    labelNames: ['target'] as const,
    registers,
  })
  const retried = new Counter({
    name: 'syncline_retried_total',
    help: 'Run attempts that failed and were rescheduled.',
    labelNames: ['flow', 'error_type', 'throttled'] as const,
    registers,
  })
  const deadLettered = new Counter({
    name: 'syncline_dead_lettered_total',
    help: 'Runs moved to the dead-letter queue.',
    labelNames: ['flow', 'error_type'] as const,
    registers,
  })
  const inDoubt = new Counter({
    name: 'syncline_in_doubt_total',
    help: 'Deliveries whose outcome became unknown (timeout or dropped connection after send).',
    labelNames: ['target'] as const,
    registers,
  })
  const superseded = new Counter({
    name: 'syncline_superseded_total',
    help: 'Deliveries skipped because the target already had their entity version or a newer one.',
    labelNames: ['flow'] as const,
    registers,
  })
  const compensationsStarted = new Counter({
    name: 'syncline_compensation_started_total',
    help: 'Runs that failed for good and began undoing their completed deliveries (saga).',
    labelNames: ['flow', 'error_type'] as const,
    registers,
  })
  const compensated = new Counter({
    name: 'syncline_compensated_total',
    help: 'Runs that ended compensated: every registered undo was applied.',
    labelNames: ['flow'] as const,
    registers,
  })
  const compensationsApplied = new Counter({
    name: 'syncline_compensations_applied_total',
    help: 'Undo deliveries applied by compensated runs.',
    labelNames: ['flow'] as const,
    registers,
  })
  const deliveryLatency = new Histogram({
    name: 'syncline_delivery_latency_seconds',
    help: 'Time one delivery call took, by target.',
    labelNames: ['target'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const propagation = new Histogram({
    name: 'syncline_propagation_seconds',
    help: 'Time from receipt of the source message to completion of its run, by flow.',
    labelNames: ['flow'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  })
  const circuitState = new Gauge({
    name: 'syncline_circuit_state',
    help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'] as const,
    registers,
  })
  let backlogCollector: BacklogCollector | undefined
  new Gauge({
    name: 'syncline_backlog',
    help: 'Runs not yet terminal, per flow, read from the store on each scrape.',
    labelNames: ['flow'] as const,
    registers,
    // Read on scrape rather than pushed: the store is the truth, and other processes change it too.
    async collect() {
      if (backlogCollector === undefined) return
      this.reset()
      try {
        for (const [flow, count] of Object.entries(await backlogCollector())) {
          this.set({ flow }, count)
        }
      } catch {
        // A scrape must still answer when the store is down; the failure counter makes it visible
        // and the empty gauge avoids reporting a stale backlog as current.
        backlogFailures.inc()
      }
    },
  })

  // Registered after the gauge so a scrape reports the failure its own collect() just counted.
  const backlogFailures = new Counter({
    name: 'syncline_backlog_collect_failures_total',
    help: 'Scrapes on which the backlog could not be read (the store was unreachable).',
    registers,
  })

  const window = createPropagationWindow(options.windowSize)
  const totals = { received: 0, duplicates: 0, delivered: 0, deadLettered: 0 }
  // Run ids are removed on completion or dead-lettering, so the set holds only runs in flight.
  const retryingRuns = new Set<string>()

  const observer: EngineObserver = {
    ingested(event) {
      totals.received += 1
      ingested.inc({ source: event.sourceSystem, topic: event.topic })
    },
    duplicate(event) {
      totals.duplicates += 1
      duplicates.inc({ source: event.sourceSystem })
    },
    delivered(event) {
      delivered.inc({ target: event.target })
      deliveryLatency.observe({ target: event.target }, event.durationMs / 1000)
    },
    inDoubt(event) {
      inDoubt.inc({ target: event.target })
    },
    superseded(event) {
      superseded.inc({ flow: event.flowName })
    },
    retried(event) {
      retryingRuns.add(event.runId)
      retried.inc({
        flow: event.flowName,
        error_type: event.error.type,
        throttled: String(event.throttled),
      })
    },
    deadLettered(event) {
      totals.deadLettered += 1
      retryingRuns.delete(event.runId)
      deadLettered.inc({ flow: event.flowName, error_type: event.error.type })
    },
    completed(event) {
      totals.delivered += 1
      retryingRuns.delete(event.runId)
      window.record(event.propagationMs)
      propagation.observe({ flow: event.flowName }, event.propagationMs / 1000)
    },
    compensationStarted(event) {
      compensationsStarted.inc({ flow: event.flowName, error_type: event.error.type })
    },
    compensationCompleted(event) {
      retryingRuns.delete(event.runId)
      compensated.inc({ flow: event.flowName })
      compensationsApplied.inc({ flow: event.flowName }, event.compensations)
    },
    circuit(event) {
      circuitState.set({ target: event.target }, CIRCUIT_VALUES[event.state])
    },
  }

  return {
    registry,
    observer,
    summary: () => ({
      ...totals,
      retrying: retryingRuns.size,
      p95PropagationMs: window.percentile(95),
    }),
    setBacklogCollector: (collector) => {
      backlogCollector = collector
    },
  }
}
