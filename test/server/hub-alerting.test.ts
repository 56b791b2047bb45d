/** @module test/server/hub-alerting.test — the alert loop's settings print their fix, and flows map to the domains they declare. */
import { describe, expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import { createOrderToErpFlow } from '../../src/flows/order-to-erp/order-to-erp-flow.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { flowDomains } from '../../src/server/hub-alerting.ts'
import type { ErpOrderPort } from '../../src/flows/order-to-erp/erp-order-port.ts'

describe('alerting config', () => {
  it('defaults to an evaluation every 5 s over a 15-minute failure window', () => {
    expect(parseHubConfig({}).alerting).toEqual({ everyMs: 5_000, failureWindowMs: 900_000 })
  })

  it('refuses a period under a second, naming the field and the fix', () => {
    expect(() => parseHubConfig({ alerting: { everyMs: 500, failureWindowMs: 'long' } })).toThrow(
      /alerting\.everyMs: expected at least 1000 ms between evaluations, e\.g\. 5000\n\s+- alerting\.failureWindowMs: expected a window in milliseconds, e\.g\. 900000 \(15 minutes\)/,
    )
  })
})

describe('flowDomains', () => {
  it('maps each flow to the policy domain it declares, and others to none', () => {
    const order = createOrderToErpFlow({
      name: 'orders-eu',
      erp: { target: 'netsuite:1' } as unknown as ErpOrderPort,
    })
    const plain = defineFlow({
      name: 'plain',
      trigger: { sourceSystem: 's', topics: ['t'] },
      run: () => Promise.resolve(null),
    })
    const odd = { ...plain, name: 'odd', domain: 'warehouseing' }
    const domainOf = flowDomains([order, plain, odd])
    expect(domainOf('orders-eu')).toBe('orderLifecycle')
    expect(domainOf('plain')).toBeNull()
    expect(domainOf('odd')).toBeNull()
    expect(domainOf('unknown')).toBeNull()
  })
})
