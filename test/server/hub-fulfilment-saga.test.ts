// The composition root binds the order fulfilment saga from configuration: a NetSuite account, a
// warehouse and a shop, the flow named for the alerts' orderLifecycle domain; any other ERP is
// refused with the fix.
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../src/clock/clock.ts'
import { ConfigError, parseHubConfig } from '../../src/server/hub-config.ts'
import { resolveConnections } from '../../src/server/hub-connections.ts'
import { buildFlows } from '../../src/server/hub-flows.ts'

const connections = {
  shopify: {
    shop: {
      shopDomain: 'example.myshopify.com',
      apiVersion: '2026-01',
      accessToken: 'shpat_x',
      webhookSecrets: [{ secret: 'shpss_x' }],
    },
  },
  netsuite: { ns: { accountId: '1234567', clientId: 'c', clientSecret: 's' } },
  threepl: {
    wms: {
      baseUrl: 'https://api.wms.example.com',
      apiKey: 'tpl_live_0123456789abcdef0123456789',
      webhookSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    },
  },
}

const binding = {
  flow: 'shopify-order-fulfilment-saga',
  shopifyConnection: 'shop',
  erp: 'netsuite',
  erpConnection: 'ns',
  threeplConnection: 'wms',
}

describe('order fulfilment saga bound by configuration', () => {
  it('binds the saga to the NetSuite account, the warehouse and the shop', () => {
    const config = parseHubConfig({ connections, flows: [binding] })
    const { flows, targets } = buildFlows(resolveConnections(config, undefined), systemClock)
    expect(flows.map((f) => [f.name, f.domain])).toEqual([
      ['shopify-order-fulfilment-saga', 'orderLifecycle'],
    ])
    expect(flows[0]?.trigger).toEqual({ sourceSystem: 'shopify', topics: ['orders/create'] })
    expect(targets.map((t) => t.key)).toEqual(
      expect.arrayContaining([
        'netsuite:1234567',
        'threepl:api.wms.example.com',
        'shopify:example.myshopify.com',
      ]),
    )
  })

  it('refuses another ERP, and a warehouse that is not configured, naming the fix', () => {
    expect(() =>
      parseHubConfig({ connections, flows: [{ ...binding, erp: 'sap', erpConnection: 's4' }] }),
    ).toThrow(/flows\[0\]\.erp: expected "netsuite"/)
    expect(() =>
      parseHubConfig({ connections, flows: [{ ...binding, threeplConnection: 'other' }] }),
    ).toThrow(ConfigError)
    expect(() =>
      parseHubConfig({ connections, flows: [{ ...binding, threeplConnection: 'other' }] }),
    ).toThrow(/threeplConnection: no 3PL connection named "other"; known: wms/)
  })
})
