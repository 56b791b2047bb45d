/** @module flows/customer-master/sap-customer-port — the customer master's ERP port, bound to an SAP S/4HANA business partner.
 *
 * The standard `A_BusinessPartner` entity carries the organisation's name. It does not carry
 * phone, website, credit limit or payment terms: those live on addresses, in FSCM credit
 * management and on the customer's company and sales-area records. So this port holds `name` only,
 * and the flows write only the fields a port holds. SAP has no idempotency key, so a create is
 * preceded by a query on the hub's key (`BusinessPartnerIdByExtSystem`, 20 characters:
 * `SF` + the 18-character Account Id). An update is a PATCH under the partner's ETag.
 */
import type { SapClient } from '../../connectors/sap/sap-client.ts'
import { BUSINESS_PARTNER_SERVICE, entityPath, eq } from '../../connectors/sap/sap-odata-path.ts'
import { queryEntities } from '../../connectors/sap/sap-odata-query.ts'
import { sapGovernanceTarget, type SapConnectionConfig } from '../../connectors/sap/sap-spec.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { CustomerMasterValues } from './customer-master-fields.ts'
import type { ErpCustomerPort, ErpCustomerRecord } from './erp-customer-port.ts'

const KEY_PREFIX = 'SF'
const NAME_LENGTH = 40

export function createSapCustomerPort(
  client: SapClient,
  config: SapConnectionConfig,
): ErpCustomerPort {
  const customerFromRecord = (record: Readonly<Record<string, unknown>>): ErpCustomerRecord => {
    const id = record.BusinessPartner
    const key = record.BusinessPartnerIdByExtSystem
    if (typeof id !== 'string' || typeof key !== 'string' || key === '') {
      throw HubError.validation(
        'an SAP business partner needs `BusinessPartner` and `BusinessPartnerIdByExtSystem`; send the entity as A_BusinessPartner returns it',
        { code: 'INVALID_BUSINESS_PARTNER' },
      )
    }
    const name = record.OrganizationBPName1
    return {
      id,
      key,
      accountId: key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : null,
      values: { name: typeof name === 'string' && name !== '' ? name : null },
      version: null,
    }
  }
  const find = async (key: string, signal?: AbortSignal) => {
    const [found] = await queryEntities(
      client,
      BUSINESS_PARTNER_SERVICE,
      'A_BusinessPartner',
      {
        filter: eq('BusinessPartnerIdByExtSystem', key),
        select: ['BusinessPartner', 'BusinessPartnerIdByExtSystem', 'OrganizationBPName1'],
        // Several partners may carry the key (one made by hand): the oldest wins, for everyone.
        orderby: 'BusinessPartner',
        limit: 1,
      },
      signal,
    )
    return found === undefined ? null : customerFromRecord(found)
  }
  return {
    system: 'sap',
    target: sapGovernanceTarget(config),
    operations: { upsertCustomer: 'businessPartner.upsert' },
    fields: ['name'],
    customerKey: (accountId) => `${KEY_PREFIX}${accountId}`,
    findCustomer: (key, signal) => find(key, signal),
    async upsertCustomer(key, values, create, { signal }) {
      const existing = await find(key, signal)
      const name = values.name === undefined ? undefined : clip(values.name)
      if (existing === null) {
        if (!create) {
          throw HubError.validation(`SAP has no business partner with key ${key} to update`, {
            code: 'NOT_FOUND',
          })
        }
        const created = await client.create(
          BUSINESS_PARTNER_SERVICE,
          'A_BusinessPartner',
          'BusinessPartner',
          {
            BusinessPartnerCategory: '2',
            BusinessPartnerIdByExtSystem: key,
            OrganizationBPName1: name ?? key,
            SearchTerm1: (name ?? key).toUpperCase().slice(0, 20),
            ...(config.businessPartnerGrouping === undefined
              ? {}
              : { BusinessPartnerGrouping: config.businessPartnerGrouping }),
            to_BusinessPartnerRole: {
              results: config.customerRoles.map((role) => ({ BusinessPartnerRole: role })),
            },
          },
          signal,
        )
        return { id: created.key }
      }
      if (name === undefined) return { id: existing.id }
      const path = entityPath('A_BusinessPartner', existing.id)
      const read = await client.read(BUSINESS_PARTNER_SERVICE, path, {}, signal)
      if (read?.etag === undefined) {
        throw HubError.conflict(`SAP business partner ${existing.id} has no ETag to update under`)
      }
      await client.update(
        BUSINESS_PARTNER_SERVICE,
        path,
        { OrganizationBPName1: name },
        read.etag,
        signal,
      )
      return { id: existing.id }
    },
    customerFromRecord,
  }
}

function clip(value: CustomerMasterValues[string]): string {
  return String(value ?? '').slice(0, NAME_LENGTH)
}
