/** @module connectors/salesforce/salesforce-cdc-mapping — an Account change event (Change Data Capture) to canonical Customers, or to the ids to reconcile. */
import { Customer } from '../../canonical/customer-schema.ts'
import type { Address } from '../../canonical/source-ref.ts'
import { HubError } from '../../errors/hub-error.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { accountHeaderOf, eventEnvelopeOf } from './salesforce-cdc-header.ts'
import type { AccountChange } from './salesforce-cdc-header.ts'

export type { AccountChange } from './salesforce-cdc-header.ts'

/**
 * What one event means for the hub. `customers`: CREATE, UPDATE or UNDELETE, one Customer per
 * record id (a merged event lists several rows changed alike); an UPDATE carries only the changed
 * fields, so its Customer holds only those (see `change.changedFields` / `nulledFields`).
 * `reconcile`: a gap or overflow event, which carries no data: re-read these rows (or, when
 * `allRecords`, every Account) from the org. `ignored`: nothing the Customer holds changed.
 */
export type AccountChangeMapping =
  | { kind: 'customers'; change: AccountChange; customers: Customer[] }
  | { kind: 'deleted'; change: AccountChange; recordIds: string[] }
  | {
      kind: 'reconcile'
      change: AccountChange
      recordIds: string[]
      allRecords: boolean
      reason: string
    }
  | { kind: 'ignored'; change: AccountChange; recordIds: string[]; reason: string }

export interface AccountChangeMappingOptions {
  /** The connection's `clientName`: events whose changeOrigin names it are the hub's own echoes. */
  clientName?: string
}

/** Change event body fields the Customer is made of; a change to none of them changes no Customer. */
const MAPPED_FIELDS = ['Name', 'Phone', 'PersonEmail', 'BillingAddress']

/** Parses raw event bytes (a CometD message, a pulled event, or the bare payload) and maps them. */
export function parseAccountChangeEvent(
  bytes: Uint8Array | string,
  options: AccountChangeMappingOptions = {},
): AccountChangeMapping {
  return mapAccountChangeEvent(
    parseUntrustedJson(bytes, { source: 'Salesforce change event' }),
    options,
  )
}

export function mapAccountChangeEvent(
  event: unknown,
  options: AccountChangeMappingOptions = {},
): AccountChangeMapping {
  const envelope = eventEnvelopeOf(event)
  const change = accountHeaderOf(envelope, options.clientName)
  const { payload } = envelope
  const type = change.changeType
  const wildcard = change.recordIds.some((id) => id.endsWith('*') || /^0{15}AAA$/.test(id))
  if (type.startsWith('GAP_')) {
    return {
      kind: 'reconcile',
      change,
      recordIds: wildcard ? [] : change.recordIds,
      allRecords: wildcard || type === 'GAP_OVERFLOW',
      reason:
        type === 'GAP_OVERFLOW'
          ? 'GAP_OVERFLOW: more changes than the event bus could carry; reconcile every Account changed since the last event'
          : `${type}: the change was not captured with its data; read these Accounts again`,
    }
  }
  if (type === 'DELETE') return { kind: 'deleted', change, recordIds: change.recordIds }
  if (type === 'UPDATE' && !change.changedFields.some(isMappedField)) {
    return {
      kind: 'ignored',
      change,
      recordIds: change.recordIds,
      reason: `no field the Customer holds changed (changedFields: ${change.changedFields.join(', ') || 'none'})`,
    }
  }
  const customers = change.recordIds.map((id) => customerOf(payload, id, change.commitTimestamp))
  return { kind: 'customers', change, customers }
}

function isMappedField(path: string): boolean {
  return MAPPED_FIELDS.includes(path.split('.', 1)[0] ?? path)
}

function customerOf(
  payload: Readonly<Record<string, unknown>>,
  recordId: string,
  commitTimestamp: number,
): Customer {
  const name = payload.Name
  // Person accounts carry a compound Name; business accounts a string.
  const person =
    typeof name === 'object' && name !== null ? (name as Record<string, unknown>) : undefined
  const email = text(payload.PersonEmail)
  const address = addressOf(payload.BillingAddress)
  const candidate = {
    kind: 'customer',
    schemaVersion: 1,
    // The commit instant as ISO: the hub's version guard orders instants.
    source: {
      system: 'salesforce',
      id: recordId,
      version: new Date(commitTimestamp).toISOString(),
    },
    ...(email !== undefined && Customer.shape.email.safeParse(email).success ? { email } : {}),
    ...optional('firstName', text(person?.FirstName)),
    ...optional('lastName', text(person?.LastName)),
    ...optional('companyName', text(name)),
    ...optional('phone', text(payload.Phone)),
    ...(address === undefined ? {} : { defaultAddress: address }),
  }
  const parsed = Customer.safeParse(candidate)
  if (!parsed.success) {
    throw HubError.validation(
      `Salesforce Account ${recordId} does not map to a canonical Customer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { cause: parsed.error, code: 'INVALID_CUSTOMER' },
    )
  }
  return parsed.data
}

/** A compound address (`{Street, City, State, PostalCode, Country, CountryCode}`); a multi-line street splits into two lines. */
function addressOf(value: unknown): Address | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const parts = value as Record<string, unknown>
  const [line1, ...rest] = (text(parts.Street) ?? '').split(/\r?\n/).map((l) => l.trim())
  const line2 = rest.filter(Boolean).join(', ')
  const country = text(parts.CountryCode) ?? text(parts.Country)
  const address: Address = {
    ...optional('line1', line1 === '' ? undefined : line1),
    ...optional('line2', line2 === '' ? undefined : line2),
    ...optional('city', text(parts.City)),
    ...optional('region', text(parts.StateCode) ?? text(parts.State)),
    ...optional('postalCode', text(parts.PostalCode)),
    // Only a two-letter code is a country code; a country name has no canonical place.
    ...optional('countryCode', country?.length === 2 ? country.toUpperCase() : undefined),
  }
  return Object.keys(address).length === 0 ? undefined : address
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string }
}
