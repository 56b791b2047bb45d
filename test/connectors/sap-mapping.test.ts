/** @module test/connectors/sap-mapping — canonical ⇄ SAP mapping, the hub's keys on SAP records, and the connection config. */
import { describe, expect, it } from 'vitest'
import { Customer } from '../../src/canonical/index.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import {
  BUSINESS_PARTNER_KEY_LENGTH,
  SALES_ORDER_REFERENCE_LENGTH,
  sapBusinessKey,
} from '../../src/connectors/sap/sap-business-key.ts'
import { sapConnectorSpec } from '../../src/connectors/sap/sap-connector-spec.ts'
import {
  canonicalCustomerToSapBusinessPartner,
  canonicalOrderToSapSalesOrder,
  sapBusinessPartnerKey,
  sapSalesOrderReference,
} from '../../src/connectors/sap/sap-mapping.ts'
import { etagInstant } from '../../src/connectors/sap/sap-odata-json.ts'
import { sapSalesOrderToSnapshot } from '../../src/connectors/sap/sap-reverse-mapping.ts'
import { parseSapConnectionConfig } from '../../src/connectors/sap/sap-spec.ts'
import { sampleOrder } from './conformance/sap-subject.ts'

const ROLES = { roles: ['FLCU00', 'FLCU01'] }
const customer = (fields: Partial<Customer>): Customer =>
  Customer.parse({
    kind: 'customer',
    schemaVersion: 1,
    source: { system: 'shopify', id: '9115310627314723954' },
    ...fields,
  })

describe('the hub keys on SAP records', () => {
  it('is SYSTEM-id when it fits the field, readable in SAP', () => {
    expect(sapBusinessKey('shopify', '1001', BUSINESS_PARTNER_KEY_LENGTH)).toBe('SHOPIFY-1001')
    expect(sapBusinessKey('shopify', '9820982911946154508', SALES_ORDER_REFERENCE_LENGTH)).toBe(
      'SHOPIFY-9820982911946154508',
    )
  })

  it('is a stable digest of the field’s length when it does not fit or is not plain ASCII', () => {
    const long = sapBusinessKey('shopify', '9115310627314723954', BUSINESS_PARTNER_KEY_LENGTH)
    expect(long).toMatch(/^SHOP~[A-Z2-7]{15}$/)
    expect(sapBusinessKey('shopify', '9115310627314723954', 20)).toBe(long)
    expect(sapBusinessKey('shopify', '9115310627314723955', 20)).not.toBe(long)
    expect(sapBusinessKey('shopware', '9115310627314723954', 20)).not.toBe(long)
    expect(sapBusinessKey('shopify', 'zoë', 20)).toMatch(/^SHOP~[A-Z2-7]{15}$/)
    expect(sapBusinessKey('shopify', "o'brien 1", 35)).toMatch(/^SHOP~[A-Z2-7]{30}$/)
  })
})

describe('canonical Customer → A_BusinessPartner', () => {
  it('maps a person with the customer roles and the hub key', () => {
    const body = canonicalCustomerToSapBusinessPartner(
      customer({ firstName: 'Zoë', lastName: 'Ærøskøbing', email: 'zoe@example.com' }),
      { ...ROLES, grouping: 'BP02' },
    )
    expect(body).toEqual({
      BusinessPartnerCategory: '1',
      BusinessPartnerIdByExtSystem: sapBusinessPartnerKey(
        customer({ firstName: 'Zoë', lastName: 'Ærøskøbing' }),
      ),
      SearchTerm1: 'ZOË ÆRØSKØBING',
      FirstName: 'Zoë',
      LastName: 'Ærøskøbing',
      BusinessPartnerGrouping: 'BP02',
      to_BusinessPartnerRole: {
        results: [{ BusinessPartnerRole: 'FLCU00' }, { BusinessPartnerRole: 'FLCU01' }],
      },
    })
    expect(body.BusinessPartnerIdByExtSystem.length).toBeLessThanOrEqual(20)
  })

  it('maps a company to an organization, continuing a long name in name 2', () => {
    const name = 'Müller & Søn Kaffeerösterei und Feinkost Handelsgesellschaft mbH'
    const body = canonicalCustomerToSapBusinessPartner(
      customer({ companyName: name, firstName: 'Zoë', lastName: 'Müller' }),
      ROLES,
    )
    expect(body.BusinessPartnerCategory).toBe('2')
    expect(body.OrganizationBPName1).toBe(name.slice(0, 40))
    expect(body.OrganizationBPName2).toBe(name.slice(40).trim())
    expect(body).not.toHaveProperty('LastName')
    expect(body.SearchTerm1).toHaveLength(20)
  })

  it('files someone known by a first name only under it as last name; no name at all is an organization', () => {
    expect(
      canonicalCustomerToSapBusinessPartner(customer({ firstName: 'Zoë' }), ROLES),
    ).toMatchObject({ BusinessPartnerCategory: '1', LastName: 'Zoë' })
    const anonymous = canonicalCustomerToSapBusinessPartner(
      customer({ email: 'orders@example.com' }),
      ROLES,
    )
    expect(anonymous).toMatchObject({
      BusinessPartnerCategory: '2',
      OrganizationBPName1: 'orders@example.com',
    })
  })

  it('cuts a name at 40 UTF-16 units without splitting an emoji', () => {
    const body = canonicalCustomerToSapBusinessPartner(
      customer({ lastName: `${'x'.repeat(39)}🦤 tail` }),
      ROLES,
    )
    expect(body.LastName).toBe('x'.repeat(39))
  })
})

describe('canonical Order → A_SalesOrder deep insert', () => {
  const defaults = parseSapConnectionConfig({
    baseUrl: 'https://my300000-api.s4hana.cloud.sap',
    username: 'U',
    password: 'p',
  })

  it('maps header, sales area, reference, date and items; quantities as decimal strings, no prices', () => {
    const order = sampleOrder('1001', [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'TG11', quantity: 12 },
    ])
    const body = canonicalOrderToSapSalesOrder(order, '17100001', defaults)
    expect(body).toEqual({
      SalesOrderType: 'OR',
      SalesOrganization: '1710',
      DistributionChannel: '10',
      OrganizationDivision: '00',
      SoldToParty: '17100001',
      PurchaseOrderByCustomer: 'SHOPIFY-1001',
      // 2026-01-10T09:59:00-05:00 was ordered on the 10th, the merchant's day.
      CustomerPurchaseOrderDate: `/Date(${Date.UTC(2026, 0, 10)})/`,
      TransactionCurrency: 'USD',
      to_Item: {
        results: [
          {
            SalesOrderItem: '10',
            Material: 'SKU-1',
            RequestedQuantity: '2',
            SalesOrderItemText: 'Item SKU-1',
          },
          {
            SalesOrderItem: '20',
            Material: 'TG11',
            RequestedQuantity: '12',
            SalesOrderItemText: 'Item TG11',
          },
        ],
      },
    })
    expect(sapSalesOrderReference(order)).toBe(body.PurchaseOrderByCustomer)
    expect(JSON.stringify(body)).not.toContain('9.99')
  })

  it('refuses a SKU longer than a material number and a malformed sold-to party (validation)', () => {
    const long = sampleOrder('1002', [{ sku: 'S'.repeat(41), quantity: 1 }])
    const error = (() => {
      try {
        canonicalOrderToSapSalesOrder(long, '17100001', defaults)
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(HubError.is(error) && error).toMatchObject({ type: 'validation', path: 'lines[0].sku' })
    expect(() => canonicalOrderToSapSalesOrder(sampleOrder('1003'), "1' or '1", defaults)).toThrow(
      /SAP customer number/,
    )
  })
})

describe('A_SalesOrder → snapshot', () => {
  it('refuses an amount that arrived as a JSON number (it went through a double)', () => {
    expect(() =>
      sapSalesOrderToSnapshot({
        SalesOrder: '1',
        SoldToParty: '17100001',
        SalesOrderType: 'OR',
        SalesOrganization: '1710',
        DistributionChannel: '10',
        OrganizationDivision: '00',
        TransactionCurrency: 'USD',
        TotalNetAmount: 29.98,
      }),
    ).toThrow(/TotalNetAmount 29.98, not a decimal string/)
  })

  it('reads the change instant out of an SAP ETag', () => {
    expect(etagInstant(`W/"datetimeoffset'2026-01-10T12%3A00%3A00.1230000Z'"`)).toBe(
      '2026-01-10T12:00:00.1230000Z',
    )
    expect(etagInstant('W/"42"')).toBeUndefined()
  })
})

describe('the SAP connection config', () => {
  it('fills the defaults, keeps the password a Secret and governs sap:<host>', () => {
    const config = parseSapConnectionConfig({
      baseUrl: 'https://my300000-api.s4hana.cloud.sap/',
      username: 'SYNCLINE_INT',
      password: 'hunter2',
    })
    expect(config).toMatchObject({
      baseUrl: 'https://my300000-api.s4hana.cloud.sap',
      salesOrderType: 'OR',
      customerRoles: ['FLCU00', 'FLCU01'],
      requestTimeoutMs: 30_000,
      concurrencyLimit: 8,
    })
    expect(config.password).toBeInstanceOf(Secret)
    expect(JSON.stringify(config)).not.toContain('hunter2')
    expect(sapConnectorSpec.governance(config)).toEqual({
      target: 'sap:my300000-api.s4hana.cloud.sap',
      concurrency: 8,
    })
    expect(
      sapConnectorSpec.governance({ ...config, concurrencyLimit: 3, requestsPerSecond: 5 }),
    ).toEqual({
      target: 'sap:my300000-api.s4hana.cloud.sap',
      concurrency: 3,
      rate: { perSecond: 5 },
    })
  })

  it('names every field to fix, never echoing a value', () => {
    const error = (() => {
      try {
        parseSapConnectionConfig({
          baseUrl: 'ftp://x',
          username: '',
          password: '',
          salesOrganization: 'sales-org-1710',
          sapClient: '1',
        })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(HubError.is(error) && error.type).toBe('validation')
    const message = (error as Error).message
    for (const field of ['baseUrl', 'username', 'password', 'salesOrganization', 'sapClient']) {
      expect(message).toContain(field)
    }
    expect(message).not.toContain('sales-org-1710')
  })
})
