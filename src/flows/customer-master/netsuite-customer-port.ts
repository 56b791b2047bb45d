/** @module flows/customer-master/netsuite-customer-port — the customer master's ERP port, bound to a NetSuite account. */
import type { NetSuiteClient } from '../../connectors/netsuite/netsuite-client.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { CustomerMasterValues } from './customer-master-fields.ts'
import type { ErpCustomerPort, ErpCustomerRecord } from './erp-customer-port.ts'

export interface NetSuiteCustomerPortOptions {
  client: NetSuiteClient
  /** The governed target, e.g. `netsuite:1234567`. */
  target: string
  /** Internal id of the subsidiary new customers belong to (OneWorld accounts require one). */
  subsidiaryId?: string
}

/** `SALESFORCE-C-<Account Id>`: the source system is part of the key, as for Shopify customers. */
const KEY_PREFIX = 'SALESFORCE-C-'

const FIELDS = ['name', 'phone', 'website', 'creditLimit', 'paymentTerms'] as const

/**
 * Writes are upserts by external id (`PUT …/customer/eid:…`), NetSuite's native idempotent path;
 * the simulator, like NetSuite, merges the body into an existing record, so an update names only
 * the fields it changes. Payment terms are a reference to a term record, addressed by its name.
 */
export function createNetSuiteCustomerPort(options: NetSuiteCustomerPortOptions): ErpCustomerPort {
  const { client } = options
  const customerFromRecord = (record: Readonly<Record<string, unknown>>): ErpCustomerRecord => {
    const rawId = record.id
    const id = typeof rawId === 'number' ? String(rawId) : rawId
    const key = record.externalId
    if (typeof id !== 'string' || !/^\d+$/.test(id) || typeof key !== 'string') {
      throw HubError.validation(
        'a NetSuite customer record needs its internal `id` and its `externalId`; send the record as GET /record/v1/customer/{id} returns it',
        { code: 'INVALID_CUSTOMER_RECORD' },
      )
    }
    const modified =
      typeof record.lastModifiedDate === 'string' ? Date.parse(record.lastModifiedDate) : NaN
    return {
      id,
      key,
      accountId: key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : null,
      values: valuesOf(record),
      version: Number.isNaN(modified) ? null : modified,
    }
  }
  return {
    system: 'netsuite',
    target: options.target,
    operations: { upsertCustomer: 'customer.upsert' },
    fields: FIELDS,
    customerKey: (accountId) => `${KEY_PREFIX}${accountId}`,
    async findCustomer(key, signal) {
      const found = await client.getByExternalId('customer', key, signal)
      return found === null ? null : customerFromRecord(found.record)
    },
    upsertCustomer: (key, values, create, { idempotencyKey, signal }) =>
      client.upsertByExternalId(
        'customer',
        key,
        {
          ...bodyOf(values),
          ...(create ? { externalId: key, isPerson: false } : {}),
          ...(create && options.subsidiaryId !== undefined
            ? { subsidiary: { id: options.subsidiaryId } }
            : {}),
        },
        { signal, idempotencyKey },
      ),
    customerFromRecord,
  }
}

function valuesOf(record: Readonly<Record<string, unknown>>): CustomerMasterValues {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)
  const terms = record.terms
  const termsName =
    typeof terms === 'object' && terms !== null ? (terms as Record<string, unknown>).refName : terms
  const limit = record.creditLimit
  return {
    name: text(record.companyName),
    phone: text(record.phone),
    website: text(record.url),
    creditLimit: typeof limit === 'number' || typeof limit === 'string' ? limit : null,
    paymentTerms: text(termsName),
  }
}

function bodyOf(values: CustomerMasterValues): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(values)) {
    // NetSuite clears a field sent as "" (null is refused on most field types).
    const v = value ?? ''
    if (field === 'name') body.companyName = v
    else if (field === 'phone') body.phone = v
    else if (field === 'website') body.url = v
    else if (field === 'creditLimit') body.creditLimit = value === null ? '' : Number(value)
    else if (field === 'paymentTerms') body.terms = value === null ? '' : { refName: value }
  }
  return body
}
