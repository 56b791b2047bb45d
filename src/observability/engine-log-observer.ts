/** @module observability/engine-log-observer — the engine's events as structured JSON log lines.
 *
 * Every line about a run carries tenant, run id, flow, business key and attempt, so one order's
 * story can be read back with a single filter on `businessKey`.
 */
import type { Logger } from 'pino'
import type { EngineObserver, RunEvent } from '../engine/engine-observer.ts'

function runFields(event: RunEvent): Record<string, unknown> {
  return {
    tenantId: event.tenantId,
    runId: event.runId,
    flow: event.flowName,
    businessKey: event.businessKey,
    attempt: event.attempt,
  }
}

export function createEngineLogObserver(logger: Logger): EngineObserver {
  return {
    ingested: (e) => logger.debug({ ...e }, 'message ingested'),
    duplicate: (e) => logger.info({ ...e }, 'duplicate message acknowledged again'),
    delivered: (e) =>
      logger.info(
        {
          ...runFields(e),
          step: e.step,
          target: e.target,
          durationMs: e.durationMs,
          resolvedByLookup: e.resolvedByLookup,
        },
        e.resolvedByLookup ? 'delivery found already applied by read-before-retry' : 'delivered',
      ),
    inDoubt: (e) =>
      logger.warn(
        { ...runFields(e), step: e.step, target: e.target },
        'delivery outcome unknown; will read before retry',
      ),
    retried: (e) =>
      logger.warn(
        { ...runFields(e), error: e.error, delayMs: e.delayMs, throttled: e.throttled },
        e.throttled ? 'throttled; retrying after the target’s delay' : 'attempt failed; retrying',
      ),
    deadLettered: (e) =>
      logger.error({ ...runFields(e), error: e.error, reason: e.reason }, 'dead-lettered'),
    superseded: (e) =>
      logger.info(
        { ...runFields(e), step: e.step, version: e.version, appliedVersion: e.appliedVersion },
        'delivery superseded: the target already has this version or a newer one',
      ),
    completed: (e) =>
      logger.info({ ...runFields(e), propagationMs: e.propagationMs }, 'run completed'),
    compensationStarted: (e) =>
      logger.warn(
        { ...runFields(e), step: e.step, error: e.error, compensations: e.compensations },
        'run failed for good; compensating its completed deliveries',
      ),
    compensationCompleted: (e) =>
      logger.info(
        { ...runFields(e), compensations: e.compensations, propagationMs: e.propagationMs },
        'run compensated',
      ),
    circuit: (e) => logger.warn({ target: e.target, state: e.state }, `circuit ${e.state}`),
  }
}
