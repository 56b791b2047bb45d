// The composition root binds order to cash to the ERP the config names: the same flow on a
// NetSuite or an SAP port, its 3PL and Shopify accounts governed, and the business SLIs told which
// ERP operations acknowledge an order and create an invoice.
import { describe, expect, it } from 'vitest'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { resolveConnections } from '../../src/server/hub-connections.ts'
import { buildFlows } from '../../src/server/hub-flows.ts'
import { systemClock } from '../../src/clock/clock.ts'

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
  sap: { s4: { baseUrl: 'https://my300000-api.s4hana.cloud.sap', username: 'U', password: 'p' } },
  threepl: {
    wms: {
      baseUrl: 'https://api.wms.example.com',
      apiKey: 'tpl_live_0123456789abcdef0123456789',
      webhookSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    },
  },
}

function bound(erp: 'netsuite' | 'sap') {
  const config = parseHubConfig({
    connections,
    flows: [
      {
        flow: 'shopify-order-to-cash',
        shopifyConnection: 'shop',
        erp,
        erpConnection: erp === 'netsuite' ? 'ns' : 's4',
        threeplConnection: 'wms',
      },
    ],
  })
  return buildFlows(resolveConnections(config, undefined), systemClock)
}

describe('order to cash bound by configuration', () => {
  it.each([
    ['netsuite', 'invoice.create'],
    ['sap', 'billingDocument.request'],
  ] as const)('binds the flow to %s', (erp, invoiceOperation) => {
    const { flows, targets, sli } = bound(erp)
    expect(flows.map((f) => f.name)).toEqual(['shopify-order-to-cash'])
    expect(flows[0]?.trigger).toEqual({ sourceSystem: 'shopify', topics: ['orders/create'] })
    expect(targets.map((t) => t.key)).toEqual(
      expect.arrayContaining(['threepl:api.wms.example.com', 'shopify:example.myshopify.com']),
    )
    expect(sli.orderOperations).toContain('salesOrder.place')
    expect(sli.invoiceOperations).toEqual([invoiceOperation])
  })

  it('names the missing 3PL connection and where to define it', () => {
    expect(() =>
      parseHubConfig({
        connections: { ...connections, threepl: {} },
        flows: [
          {
            flow: 'shopify-order-to-cash',
            shopifyConnection: 'shop',
            erp: 'netsuite',
            erpConnection: 'ns',
            threeplConnection: 'wms',
          },
        ],
      }),
    ).toThrow(
      'flows[0].threeplConnection: no 3PL connection named "wms"; known: (none) (define it under connections.threepl)',
    )
  })

  it('prints the fix for a bad order-to-cash policy', () => {
    expect(() =>
      parseHubConfig({
        connections,
        flows: [
          {
            flow: 'shopify-order-to-cash',
            shopifyConnection: 'shop',
            erp: 'netsuite',
            erpConnection: 'ns',
            threeplConnection: 'wms',
            policy: { backorder: 'hope' },
          },
        ],
      }),
    ).toThrow(/flows\[0\]\.policy\.backorder: expected one of cancel, wait/)
  })
})
