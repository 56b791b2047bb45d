/** @module test/observability/engine-metrics.test — the Prometheus observer and the p95 window. */
import { describe, expect, it } from 'vitest'
import { Registry } from 'prom-client'
import { createEngineMetrics } from '../../src/observability/engine-metrics.ts'
import { createPropagationWindow } from '../../src/observability/propagation-window.ts'
import { formatSummaryLine } from '../../src/observability/summary-line.ts'
import type { RunEvent } from '../../src/engine/engine-observer.ts'

function runEvent(runId: string, flowName = 'order-to-netsuite'): RunEvent {
  return { tenantId: 't', runId, flowName, businessKey: `shopify:order:${runId}`, attempt: 1 }
}

describe('createEngineMetrics', () => {
  it('counts what the engine reports, with the documented names and labels', async () => {
    const metrics = createEngineMetrics(new Registry())
    const { observer } = metrics
    observer.ingested({ tenantId: 't', sourceSystem: 'shopify', topic: 'orders/create', runs: 1 })
    observer.ingested({ tenantId: 't', sourceSystem: 'shopify', topic: 'orders/create', runs: 1 })
    observer.duplicate({ tenantId: 't', sourceSystem: 'shopify', topic: 'orders/create' })
    observer.delivered({
      ...runEvent('1'),
      step: 'create-order',
      target: 'netsuite',
      durationMs: 120,
      resolvedByLookup: false,
    })
    observer.inDoubt({ ...runEvent('2'), step: 'create-order', target: 'netsuite' })
    observer.retried({
      ...runEvent('2'),
      error: { type: 'throttled', message: '429' },
      delayMs: 1000,
      throttled: true,
    })
    observer.deadLettered({
      ...runEvent('3'),
      error: { type: 'validation', message: 'bad item' },
      reason: 'validation',
    })
    observer.completed({ ...runEvent('1'), propagationMs: 840 })
    observer.circuit({ target: 'netsuite', state: 'open' })

    const text = await metrics.registry.metrics()
    expect(text).toContain('syncline_ingested_total{source="shopify",topic="orders/create"} 2')
    expect(text).toContain('syncline_duplicates_total{source="shopify"} 1')
    expect(text).toContain('syncline_delivered_total{target="netsuite"} 1')
    expect(text).toContain('syncline_in_doubt_total{target="netsuite"} 1')
    expect(text).toContain(
      'syncline_retried_total{flow="order-to-netsuite",error_type="throttled",throttled="true"} 1',
    )
    expect(text).toContain(
      'syncline_dead_lettered_total{flow="order-to-netsuite",error_type="validation"} 1',
    )
    expect(text).toContain(
      'syncline_delivery_latency_seconds_bucket{le="0.25",target="netsuite"} 1',
    )
    expect(text).toContain('syncline_propagation_seconds_bucket{le="1",flow="order-to-netsuite"} 1')
    expect(text).toContain('syncline_circuit_state{target="netsuite"} 2')
    expect(text).toContain('syncline_process_cpu_user_seconds_total')

    expect(metrics.summary()).toEqual({
      received: 2,
      duplicates: 1,
      delivered: 1,
      retrying: 1,
      deadLettered: 1,
      p95PropagationMs: 840,
    })
  })

  it('counts a run as retrying until it completes or is dead-lettered', () => {
    const { observer, summary } = createEngineMetrics(new Registry(), { defaultMetrics: false })
    const error = { type: 'retryable' as const, message: '503' }
    observer.retried({ ...runEvent('1'), error, delayMs: 10, throttled: false })
    observer.retried({ ...runEvent('1'), error, delayMs: 20, throttled: false })
    observer.retried({ ...runEvent('2'), error, delayMs: 10, throttled: false })
    expect(summary().retrying).toBe(2)
    observer.completed({ ...runEvent('1'), propagationMs: 50 })
    observer.deadLettered({ ...runEvent('2'), error, reason: 'attempts exhausted' })
    expect(summary().retrying).toBe(0)
  })

  it('reads the backlog gauge from the collector on each scrape, and survives its failure', async () => {
    const metrics = createEngineMetrics(new Registry(), { defaultMetrics: false })
    let backlog: Record<string, number> = { 'order-to-netsuite': 4 }
    let fail = false
    metrics.setBacklogCollector(() =>
      fail ? Promise.reject(new Error('store down')) : Promise.resolve(backlog),
    )
    expect(await metrics.registry.metrics()).toContain(
      'syncline_backlog{flow="order-to-netsuite"} 4',
    )
    backlog = { 'customer-sync': 1 }
    const second = await metrics.registry.metrics()
    expect(second).toContain('syncline_backlog{flow="customer-sync"} 1')
    expect(second).not.toContain('syncline_backlog{flow="order-to-netsuite"}')
    fail = true
    const third = await metrics.registry.metrics()
    expect(third).toContain('syncline_backlog_collect_failures_total 1')
    expect(third).not.toContain('syncline_backlog{flow=')
  })

  it('computes the summary p95 from the recent window only', () => {
    const { observer, summary } = createEngineMetrics(new Registry(), {
      defaultMetrics: false,
      windowSize: 100,
    })
    expect(summary().p95PropagationMs).toBeNull()
    // 100 slow completions, then 100 fast ones push the slow ones out of the window.
    for (let i = 0; i < 100; i += 1) {
      observer.completed({ ...runEvent(String(i)), propagationMs: 30_000 })
    }
    expect(summary().p95PropagationMs).toBe(30_000)
    for (let i = 1; i <= 100; i += 1) {
      observer.completed({ ...runEvent(String(i)), propagationMs: i * 10 })
    }
    expect(summary().p95PropagationMs).toBe(950)
  })
})

describe('createPropagationWindow', () => {
  it('uses the nearest rank over at most `capacity` samples', () => {
    const window = createPropagationWindow(2_000)
    for (let i = 1; i <= 2_500; i += 1) window.record(i)
    // The window holds 501..2500; rank ceil(0.95 × 2000) = 1900 → 501 + 1899.
    expect(window.size).toBe(2_000)
    expect(window.percentile(95)).toBe(2_400)
    expect(window.percentile(100)).toBe(2_500)
  })

  it('ignores values that are not durations', () => {
    const window = createPropagationWindow(10)
    window.record(Number.NaN)
    window.record(-1)
    expect(window.percentile(95)).toBeNull()
    expect(() => createPropagationWindow(0)).toThrow(RangeError)
  })
})

describe('formatSummaryLine', () => {
  it('prints one human line', () => {
    const line = formatSummaryLine(
      {
        received: 1_200,
        duplicates: 3,
        delivered: 118,
        retrying: 2,
        deadLettered: 0,
        p95PropagationMs: 840.4,
      },
      (2 * 3600 + 5 * 60) * 1000,
    )
    expect(line).toBe(
      'up 2h 05m · received 1,200 · duplicates 3 · delivered 118 · retrying 2 · dead-lettered 0 · p95 propagation 840 ms',
    )
    expect(
      formatSummaryLine(
        {
          received: 0,
          duplicates: 0,
          delivered: 0,
          retrying: 0,
          deadLettered: 0,
          p95PropagationMs: null,
        },
        42_000,
      ),
    ).toContain('up 42s · received 0 ·')
    expect(
      formatSummaryLine(
        {
          received: 1,
          duplicates: 0,
          delivered: 1,
          retrying: 0,
          deadLettered: 0,
          p95PropagationMs: 12_345,
        },
        61_000,
      ),
    ).toMatch(/^up 1m 01s .* p95 propagation 12\.3 s$/)
  })
})
