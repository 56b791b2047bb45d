// A wrong `threepl-inventory` binding is refused at start with every field to fix: a connection
// to define, the Shopify connection a Shopify location needs, a warehouse mirrored nowhere, a second
// binding to merge into the first, and what a field must hold.
import { describe, expect, it } from 'vitest'
import { parseHubConfig } from '../../src/server/hub-config.ts'

const WAREHOUSE = 'WH-MAIN'
const SHOP_LOCATION = '655441491'
const binding = {
  flow: 'threepl-inventory',
  threeplConnection: 'demo',
  erp: 'netsuite',
  erpConnection: 'demo',
  shopifyConnection: 'demo',
  warehouses: { [WAREHOUSE]: { netsuiteLocation: WAREHOUSE, shopifyLocationId: SHOP_LOCATION } },
  policy: { assignee: 'inventory-ops', maxAutoHealDiff: 1_000 },
}

describe('threepl-inventory binding config', () => {
  const sandboxFree = {
    connections: {
      netsuite: {
        demo: {
          accountId: 'TSTDRV1',
          baseUrl: 'http://127.0.0.1:1',
          clientId: 'id',
          clientSecret: 'secret',
        },
      },
      threepl: {
        demo: {
          baseUrl: 'http://127.0.0.1:1',
          apiKey: 'key',
          webhookSecrets: [`whsec_${Buffer.alloc(24, 7).toString('base64')}`],
        },
      },
    },
  }
  const problems = (flows: unknown[]): string => {
    try {
      parseHubConfig({ ...sandboxFree, flows }, 'hub.json')
    } catch (error) {
      return (error as Error).message
    }
    return 'valid'
  }

  it('names the connection to define, the Shopify connection to add and the second binding to merge', () => {
    const message = problems([
      {
        ...binding,
        threeplConnection: 'warehouse',
        shopifyConnection: undefined,
        warehouses: {
          [WAREHOUSE]: { netsuiteLocation: WAREHOUSE, shopifyLocationId: SHOP_LOCATION },
          'WH-X': {},
        },
      },
      {
        ...binding,
        shopifyConnection: undefined,
        warehouses: { 'WH-Y': { netsuiteLocation: 'WH-Y' } },
      },
    ])
    expect(message).toContain('hub.json is invalid; fix these fields:')
    expect(message).toContain(
      '  - flows[0].threeplConnection: no 3PL connection named "warehouse"; known: demo (define it under connections.threepl)',
    )
    expect(message).toContain(
      `  - flows[0].warehouses.${WAREHOUSE}.shopifyLocationId: no Shopify connection to set it in; add flows[0].shopifyConnection (e.g. "demo")`,
    )
    expect(message).toContain(
      '  - flows[0].warehouses.WH-X: mirrors the warehouse nowhere; give it a netsuiteLocation (e.g. "WH-X") and/or a shopifyLocationId (e.g. "655441491"), or remove it',
    )
    expect(message).toContain(
      "  - flows[1]: flows[0] already binds threepl-inventory; map this binding's warehouses in flows[0].warehouses instead",
    )
  })

  it('says what a field must hold', () => {
    const message = problems([
      {
        ...binding,
        erp: 'sap',
        shopifyConnection: undefined,
        warehouses: { [WAREHOUSE]: { shopifyLocationId: 'main' } },
        policy: { assignee: 'ops', autoHeal: ['duplicate'] },
      },
    ])
    expect(message).toContain(
      'flows[0].erp: expected "netsuite": stock levels are set in the NetSuite way (inventory adjustments)',
    )
    const empty = problems([{ ...binding, shopifyConnection: undefined, warehouses: {} }])
    expect(empty).toContain(
      'map at least one 3PL warehouse, e.g. {"WH-EAST": {"netsuiteLocation": "WH-EAST"}}',
    )
    const valid = problems([
      {
        ...binding,
        shopifyConnection: undefined,
        warehouses: { [WAREHOUSE]: { netsuiteLocation: WAREHOUSE } },
      },
    ])
    expect(valid).toBe('valid')
  })
})
