/** @module test/policies/alert-evaluator.test — the alert rules fire at their thresholds, resolve, keep `since` while steady and report each change once. */
import { describe, expect, it } from 'vitest'
import {
  evaluateAlerts,
  healthByDomain,
  type AlertStatus,
  type DomainHealth,
} from '../../src/policies/alert-evaluator.ts'
import { parsePolicies } from '../../src/policies/consistency-policy-parse.ts'
import { planPolicies, type AlertRule } from '../../src/policies/consistency-policy-plan.ts'
import type { PolicyDomain } from '../../src/policies/consistency-policy-schema.ts'

const orders: AlertRule = {
  domain: 'orderLifecycle',
  maxLagMs: 120_000,
  deadLetters: 2,
  failurePercent: 10,
}
const quiet: DomainHealth = { deadRuns: 0, oldestUnprocessedAgeMs: 0, finished: 0, failed: 0 }

function evaluate(health: Partial<DomainHealth>, previous: readonly AlertStatus[], now: number) {
  return evaluateAlerts({
    rules: [orders],
    health: new Map<PolicyDomain, DomainHealth>([['orderLifecycle', { ...quiet, ...health }]]),
    previous,
    now,
  })
}

const find = (alerts: readonly AlertStatus[], rule: AlertStatus['rule']) => {
  const alert = alerts.find((a) => a.rule === rule)
  if (alert === undefined) throw new Error(`no ${rule} alert`)
  return alert
}

describe('evaluateAlerts', () => {
  it('reports every rule of every domain, quiet ones included, with no transition for them', () => {
    const plan = planPolicies(parsePolicies({}))
    const result = evaluateAlerts({ rules: plan.alerts, health: new Map(), previous: [], now: 1 })
    expect(result.alerts).toHaveLength(12)
    expect(result.alerts.every((a) => !a.firing && a.value === 0 && a.since === 1)).toBe(true)
    expect(result.transitions).toEqual([])
  })

  it('fires dead_letters at the threshold, not below it', () => {
    const below = evaluate({ deadRuns: 1 }, [], 1_000)
    expect(find(below.alerts, 'dead_letters')).toMatchObject({ firing: false, value: 1 })
    const at = evaluate({ deadRuns: 2 }, below.alerts, 2_000)
    expect(find(at.alerts, 'dead_letters')).toEqual({
      domain: 'orderLifecycle',
      rule: 'dead_letters',
      firing: true,
      value: 2,
      threshold: 2,
      since: 2_000,
    })
    expect(at.transitions).toEqual([find(at.alerts, 'dead_letters')])
  })

  it('fires max_lag only when the oldest unprocessed run is older than the threshold', () => {
    expect(
      find(evaluate({ oldestUnprocessedAgeMs: 120_000 }, [], 1).alerts, 'max_lag').firing,
    ).toBe(false)
    const over = evaluate({ oldestUnprocessedAgeMs: 120_001 }, [], 1)
    expect(find(over.alerts, 'max_lag')).toMatchObject({ firing: true, value: 120_001 })
  })

  it('judges the failure share only over finished runs, firing at the threshold', () => {
    const none = evaluate({ finished: 0, failed: 0 }, [], 1)
    expect(find(none.alerts, 'failure_percent')).toMatchObject({ firing: false, value: 0 })
    const under = evaluate({ finished: 30, failed: 2 }, [], 1)
    expect(find(under.alerts, 'failure_percent')).toMatchObject({ firing: false, value: 6.67 })
    const at = evaluate({ finished: 30, failed: 3 }, [], 1)
    expect(find(at.alerts, 'failure_percent')).toMatchObject({
      firing: true,
      value: 10,
      threshold: 10,
    })
  })

  it('keeps `since` and reports no transition while an alert stays firing, even as its value moves', () => {
    const first = evaluate({ deadRuns: 2 }, [], 1_000)
    const second = evaluate({ deadRuns: 5 }, first.alerts, 6_000)
    const third = evaluate({ deadRuns: 3 }, second.alerts, 11_000)
    expect(second.transitions).toEqual([])
    expect(third.transitions).toEqual([])
    expect(find(third.alerts, 'dead_letters')).toMatchObject({
      firing: true,
      value: 3,
      since: 1_000,
    })
  })

  it('resolves once when the condition clears, with `since` at the resolution', () => {
    const firing = evaluate({ deadRuns: 2 }, [], 1_000)
    const resolved = evaluate({ deadRuns: 0 }, firing.alerts, 6_000)
    expect(resolved.transitions).toEqual([
      {
        domain: 'orderLifecycle',
        rule: 'dead_letters',
        firing: false,
        value: 0,
        threshold: 2,
        since: 6_000,
      },
    ])
    const still = evaluate({ deadRuns: 0 }, resolved.alerts, 11_000)
    expect(still.transitions).toEqual([])
    expect(find(still.alerts, 'dead_letters').since).toBe(6_000)
  })
})

describe('healthByDomain', () => {
  const domainOf = (flow: string): PolicyDomain | null =>
    flow.startsWith('shopify-order')
      ? 'orderLifecycle'
      : flow === 'inventory-to-shopify'
        ? 'inventory'
        : null

  it('sums flows into their domain, takes the oldest lag, and drops flows of no domain', () => {
    const now = 100_000
    const health = healthByDomain(
      [
        {
          flowName: 'shopify-order-to-erp',
          deadRuns: 1,
          oldestUnprocessedAt: 90_000,
          finished: 10,
          failed: 1,
        },
        {
          flowName: 'shopify-order-saga',
          deadRuns: 2,
          oldestUnprocessedAt: 40_000,
          finished: 5,
          failed: 2,
        },
        {
          flowName: 'inventory-to-shopify',
          deadRuns: 0,
          oldestUnprocessedAt: null,
          finished: 3,
          failed: 0,
        },
        {
          flowName: 'someone-elses-flow',
          deadRuns: 9,
          oldestUnprocessedAt: 1,
          finished: 9,
          failed: 9,
        },
      ],
      domainOf,
      now,
    )
    expect([...health.keys()].sort()).toEqual(['inventory', 'orderLifecycle'])
    expect(health.get('orderLifecycle')).toEqual({
      deadRuns: 3,
      oldestUnprocessedAgeMs: 60_000,
      finished: 15,
      failed: 3,
    })
    expect(health.get('inventory')).toEqual({
      deadRuns: 0,
      oldestUnprocessedAgeMs: 0,
      finished: 3,
      failed: 0,
    })
  })
})
