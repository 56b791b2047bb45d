/** @module test/server/hub-budgets.test — each domain's budget lands on every target playing its role, and each flow on its domain's budget. */
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { silentObserver } from '../../src/engine/engine-observer.ts'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { TargetGates } from '../../src/engine/target-gate.ts'
import { parsePolicies } from '../../src/policies/consistency-policy-parse.ts'
import { planPolicies } from '../../src/policies/consistency-policy-plan.ts'
import { applyDomainBudgets } from '../../src/server/hub-budgets.ts'
import type { GovernedTarget } from '../../src/server/hub-governed-target.ts'

const target = (key: string, role?: GovernedTarget['role']): GovernedTarget => ({
  key,
  ...(role === undefined ? {} : { role }),
  concurrencyLimit: () => Promise.resolve(undefined),
  configured: {},
})

describe('applyDomainBudgets', () => {
  it('gives each domain a gate at every target of the role, unsummed, and assigns flows by domain', async () => {
    const gates = new TargetGates(manualClock(), silentObserver)
    const flow = defineFlow({
      name: 'orders-eu',
      domain: 'orderLifecycle',
      trigger: { sourceSystem: 'shopify', topics: ['orders/create'] },
      run: () => Promise.resolve(null),
    })
    applyDomainBudgets({
      gates,
      budgets: planPolicies(parsePolicies({})).budgets,
      // One ERP account listed twice (orders and customers bind it), a 3PL, a target of no role.
      targets: [
        target('netsuite:1', 'erp'),
        target('netsuite:1', 'erp'),
        target('threepl:wh', 'wms'),
        target('elsewhere:1'),
      ],
      flows: [flow],
      logger: pino({ level: 'silent' }),
    })
    expect(gates.budgets.limits('netsuite:1', 'orderLifecycle')).toEqual({ concurrency: 8 })
    expect(gates.budgets.limits('netsuite:1', 'customerMaster')).toEqual({
      concurrency: 4,
      rate: { perSecond: 5, burst: 1 },
    })
    expect(gates.budgets.limits('netsuite:1', 'financialPostings')).toEqual({
      concurrency: 2,
      rate: { perSecond: 2, burst: 1 },
    })
    expect(gates.budgets.limits('threepl:wh', 'orderLifecycle')).toEqual({ concurrency: 4 })
    expect(gates.budgets.limits('threepl:wh', 'inventory')).toEqual({ concurrency: 2 })
    expect(gates.budgets.limits('elsewhere:1', 'orderLifecycle')).toBeUndefined()

    // The flow's calls to the ERP hold its domain's slot while they are out.
    let release!: () => void
    const call = gates.run(
      'netsuite:1',
      new AbortController().signal,
      () => new Promise<void>((resolve) => (release = resolve)),
      'orders-eu',
    )
    await new Promise((resolve) => setImmediate(resolve))
    expect(gates.budgets.inFlight('netsuite:1', 'orderLifecycle')).toBe(1)
    release()
    await call
    expect(gates.budgets.inFlight('netsuite:1', 'orderLifecycle')).toBe(0)
  })
})
