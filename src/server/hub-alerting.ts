/** @module server/hub-alerting — the loop that evaluates the consistency policies' alerts every few seconds.
 *
 * Reads per-flow run health from the store, sums it into domains by the flows' declared domain,
 * applies each domain's alert rules (policies/alert-evaluator.ts) and keeps the result for
 * /metrics and the API. A change of state is logged once (warn when an alert fires, info when it
 * resolves) and passed to `onTransition`. Every hub process evaluates on its own: the figures come
 * from the shared database, so they agree.
 */
import type { Logger } from 'pino'
import type { Clock } from '../clock/clock.ts'
import type { FlowDefinition } from '../engine/flow-definition.ts'
import { evaluateAlerts, healthByDomain, type AlertStatus } from '../policies/alert-evaluator.ts'
import type { AlertRule } from '../policies/consistency-policy-plan.ts'
import { POLICY_DOMAINS, type PolicyDomain } from '../policies/consistency-policy-schema.ts'
import type { ProcessStore } from '../store/process-store.ts'

// Function-valued properties, not methods: callers pass them around unbound.
export interface HubAlerting {
  /** The last evaluation's alerts; empty before the first one completes. */
  current: () => readonly AlertStatus[]
  /** Evaluates now (a tick already under way is awaited instead of started twice). */
  evaluate: () => Promise<void>
  /** Stops the timer and waits for an evaluation under way, so the store can close after it. */
  stop: () => Promise<void>
}

export interface HubAlertingOptions {
  store: Pick<ProcessStore, 'flowHealth'>
  tenantId: string
  clock: Clock
  rules: readonly AlertRule[]
  flows: readonly FlowDefinition[]
  everyMs: number
  /** Trailing window of the failure share. */
  failureWindowMs: number
  logger: Logger
  onTransition?: (alert: AlertStatus) => void
}

/** Flow name → the policy domain its definition declares; unknown names and domains → null. */
export function flowDomains(
  flows: readonly FlowDefinition[],
): (flowName: string) => PolicyDomain | null {
  const domains = new Map<string, PolicyDomain>()
  for (const flow of flows) {
    const domain = POLICY_DOMAINS.find((d) => d === flow.domain)
    if (domain !== undefined) domains.set(flow.name, domain)
  }
  return (flowName) => domains.get(flowName) ?? null
}

export function startHubAlerting(options: HubAlertingOptions): HubAlerting {
  const domainOf = flowDomains(options.flows)
  let alerts: readonly AlertStatus[] = []
  let running: Promise<void> | undefined

  const tick = async (): Promise<void> => {
    const now = options.clock.now()
    const rows = await options.store.flowHealth({
      tenantId: options.tenantId,
      now,
      windowMs: options.failureWindowMs,
    })
    const result = evaluateAlerts({
      rules: options.rules,
      health: healthByDomain(rows, domainOf, now),
      previous: alerts,
      now,
    })
    alerts = result.alerts
    for (const alert of result.transitions) {
      const fields = {
        alert: {
          domain: alert.domain,
          rule: alert.rule,
          value: alert.value,
          threshold: alert.threshold,
        },
      }
      if (alert.firing) options.logger.warn(fields, 'alert firing')
      else options.logger.info(fields, 'alert resolved')
      try {
        options.onTransition?.(alert)
      } catch (error) {
        options.logger.error({ err: error }, 'alert observer failed')
      }
    }
  }

  const evaluate = (): Promise<void> =>
    (running ??= tick()
      // A failed read keeps the last state: an unreachable store says nothing about the domains.
      .catch((error: unknown) => options.logger.warn({ err: error }, 'alert evaluation failed'))
      .finally(() => (running = undefined)))

  const timer = setInterval(() => void evaluate(), options.everyMs)
  timer.unref()
  void evaluate()
  return {
    current: () => alerts,
    evaluate,
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
