/** @module test/server/hub-config.test — flow bindings: the ERP chosen by configuration, and errors that print the fix. */
import { describe, expect, it } from 'vitest'
import { ConfigError, parseHubConfig } from '../../src/server/hub-config.ts'

const connections = {
  shopify: {
    shop: {
      shopDomain: 'acme.myshopify.com',
      apiVersion: '2026-01',
      accessToken: 'shpat_x',
      webhookSecrets: [{ secret: 'shpss_x' }],
    },
  },
  netsuite: { ns: { accountId: '1234567', clientId: 'c', clientSecret: 's' } },
  sap: { s4: { baseUrl: 'https://my300000-api.s4hana.cloud.sap', username: 'U', password: 'p' } },
}

function configError(input: unknown): string {
  try {
    parseHubConfig(input)
  } catch (error) {
    if (error instanceof ConfigError) return error.message
    throw error
  }
  throw new Error('the config parsed')
}

describe('flow bindings', () => {
  it('binds the order flow to SAP or NetSuite by `erp` alone', () => {
    for (const [erp, erpConnection] of [
      ['sap', 's4'],
      ['netsuite', 'ns'],
    ] as const) {
      const config = parseHubConfig({
        connections,
        flows: [{ flow: 'shopify-order-to-erp', shopifyConnection: 'shop', erp, erpConnection }],
      })
      expect(config.flows[0]).toEqual({
        flow: 'shopify-order-to-erp',
        shopifyConnection: 'shop',
        erp,
        erpConnection,
      })
    }
  })

  it('keeps the first flow’s name and fields valid', () => {
    const config = parseHubConfig({
      connections,
      flows: [
        { flow: 'shopify-order-to-netsuite', shopifyConnection: 'shop', netsuiteConnection: 'ns' },
      ],
    })
    expect(config.flows).toHaveLength(1)
  })

  it('names an unknown ERP and the ones it could be', () => {
    const message = configError({
      connections,
      flows: [
        {
          flow: 'shopify-order-to-erp',
          shopifyConnection: 'shop',
          erp: 'oracle',
          erpConnection: 'x',
        },
      ],
    })
    expect(message).toContain('flows[0].erp')
    expect(message).toContain('"netsuite" or "sap"')
  })

  it('names an unknown flow and the flows there are', () => {
    const message = configError({ connections, flows: [{ flow: 'orders-to-mars' }] })
    expect(message).toContain('flows[0].flow')
    expect(message).toContain('"shopify-order-to-erp", "shopify-order-to-netsuite"')
  })

  it('says which connection is missing, where to define it, and which exist', () => {
    const message = configError({
      connections,
      flows: [
        {
          flow: 'shopify-order-to-erp',
          shopifyConnection: 'shop',
          erp: 'sap',
          erpConnection: 'ns',
        },
      ],
    })
    expect(message).toContain(
      'flows[0].erpConnection: no SAP connection named "ns"; known: s4 (define it under connections.sap)',
    )
  })

  it('refuses two bindings that would run under one name, and says how to fix it', () => {
    const binding = {
      flow: 'shopify-order-to-erp',
      shopifyConnection: 'shop',
      erp: 'sap',
      erpConnection: 's4',
    }
    const message = configError({
      connections,
      flows: [binding, { ...binding, erp: 'netsuite', erpConnection: 'ns' }],
    })
    expect(message).toContain('flows[1].name: flows[0] already runs as "shopify-order-to-erp"')
    expect(
      parseHubConfig({
        connections,
        flows: [
          binding,
          { ...binding, name: 'orders-to-netsuite', erp: 'netsuite', erpConnection: 'ns' },
        ],
      }).flows,
    ).toHaveLength(2)
  })

  it('validates an SAP connection with the fix in the message', () => {
    const message = configError({
      connections: {
        ...connections,
        sap: { s4: { baseUrl: 'not a url', username: 'U', password: 'p' } },
      },
    })
    expect(message).toContain('connections.sap.s4.baseUrl')
  })
})

describe('consistency policies', () => {
  it('takes the issue’s defaults when the section is absent', () => {
    const config = parseHubConfig({})
    expect(config.policies.customerMaster).toMatchObject({
      goldenSource: 'crm',
      nonOwnerChange: 'approval',
      newRecords: { requireApproval: true },
      fieldGroups: { credit: { owner: 'erp', fields: ['creditLimit', 'paymentTerms'] } },
    })
    expect(config.policies.financialPostings.goldenSource).toBe('erp')
  })

  it('prints the path and the fix of every bad policy field, with the other config errors', () => {
    const message = configError({
      connections,
      flows: [
        {
          flow: 'shopify-order-to-erp',
          shopifyConnection: 'shop',
          erp: 'oracle',
          erpConnection: 'ns',
        },
      ],
      policies: {
        customerMaster: {
          nonOwnerChange: 'overwrite',
          fieldGroups: { credit: { owner: 'bank', fields: ['creditLimit'] } },
        },
        inventory: { reconciliation: { everyMs: 900_000, tolerance: { units: -1, percent: 1 } } },
      },
    })
    expect(message).toContain('flows[0].erp: expected the ERP the orders go to')
    expect(message).toContain(
      '  - policies.customerMaster.fieldGroups.credit.owner: expected a system role: one of "crm", "erp", "commerce", "wms"',
    )
    expect(message).toContain(
      '  - policies.customerMaster.nonOwnerChange: expected "reject" (refuse and audit) or "approval" (open an approval task)',
    )
    expect(message).toContain(
      '  - policies.inventory.reconciliation.tolerance.units: expected 0 or more units, e.g. 2',
    )
  })

  it('reports a field owned by two groups once the shapes are right', () => {
    const message = configError({
      policies: {
        customerMaster: {
          fieldGroups: {
            identity: { owner: 'crm', fields: ['name', 'creditLimit'] },
            credit: { owner: 'erp', fields: ['creditLimit'] },
          },
        },
      },
    })
    expect(message).toBe(
      'config is invalid; fix these fields:\n  - policies.customerMaster.fieldGroups.credit.fields[0]: "creditLimit" is already in field group "identity"; a field has one owner, so list it in one group only',
    )
  })
})
