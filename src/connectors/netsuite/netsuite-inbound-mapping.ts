/** @module connectors/netsuite/netsuite-inbound-mapping — NetSuite records read back as canonical objects (reconciliation compares these). */
import { Customer } from '../../canonical/index.ts'
import { HubError } from '../../errors/hub-error.ts'

export const NETSUITE_SYSTEM = 'netsuite'

/** A string field, or undefined when NetSuite omitted it or sent an empty one (it sends "" for cleared fields). */
function text(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field]
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/**
 * A customer record as `GET /record/v1/customer/{id}` returns it → canonical Customer. The source
 * id is NetSuite's internal id (a numeric string, kept as text); the version is
 * `lastModifiedDate`. A person carries first and last name; a company its company name.
 */
export function netsuiteCustomerToCanonical(record: Record<string, unknown>): Customer {
  const rawId = record.id
  const id = typeof rawId === 'number' ? String(rawId) : rawId
  if (typeof id !== 'string' || !/^\d+$/.test(id)) {
    throw HubError.validation('a NetSuite customer record needs a numeric internal id in `id`', {
      code: 'INVALID_ID',
      path: 'id',
    })
  }
  const isPerson = record.isPerson === true
  const version = text(record, 'lastModifiedDate')
  const email = text(record, 'email')
  const phone = text(record, 'phone')
  const firstName = isPerson ? text(record, 'firstName') : undefined
  const lastName = isPerson ? text(record, 'lastName') : undefined
  const companyName = isPerson ? undefined : text(record, 'companyName')
  return Customer.parse({
    kind: 'customer',
    schemaVersion: 1,
    source: { system: NETSUITE_SYSTEM, id, ...(version === undefined ? {} : { version }) },
    ...(email === undefined ? {} : { email }),
    ...(firstName === undefined ? {} : { firstName }),
    ...(lastName === undefined ? {} : { lastName }),
    ...(companyName === undefined ? {} : { companyName }),
    ...(phone === undefined ? {} : { phone }),
  })
}
