/** @module connectors/salesforce/salesforce-paths — REST paths built safely: sObject names and ids checked, external id values percent-encoded. */
import { HubError } from '../../errors/hub-error.ts'

/** `/services/data/v62.0`. */
export function dataPath(apiVersion: string): string {
  return `/services/data/v${apiVersion}`
}

/** sObject and field API names go into the URL path: only Salesforce's identifier shape (`Account`, `ERP_Id__c`). */
export function apiName(name: string, what = 'sObject'): string {
  if (/^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(name)) return name
  throw HubError.validation(
    `not a Salesforce ${what} API name: ${JSON.stringify(name.slice(0, 100))}`,
    { code: 'INVALID_API_NAME' },
  )
}

/** A record id: 15 characters (case-sensitive) or 18 (case-safe). */
export function recordId(id: string): string {
  if (/^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$/.test(id)) return id
  throw HubError.validation(`not a Salesforce record id: ${JSON.stringify(id.slice(0, 40))}`, {
    code: 'MALFORMED_ID',
  })
}

/** `…/sobjects/{type}/{field}/{value}`, the upsert and read-by-key address. */
export function externalIdPath(
  apiVersion: string,
  sobject: string,
  field: string,
  value: string,
): string {
  if (value === '' || value.length > 255) {
    throw HubError.validation(
      `a Salesforce external id must be 1–255 characters, got ${value.length}`,
      { code: 'INVALID_EXTERNAL_ID' },
    )
  }
  return `${dataPath(apiVersion)}/sobjects/${apiName(sobject)}/${apiName(field, 'field')}/${encodeURIComponent(value)}`
}

export function recordPath(apiVersion: string, sobject: string, id: string): string {
  return `${dataPath(apiVersion)}/sobjects/${apiName(sobject)}/${recordId(id)}`
}

/**
 * `nextRecordsUrl` is a path on the instance (`/services/data/v62.0/query/01g…-2000`). It is
 * followed only when it stays under the data API, so a hostile body cannot send the bearer token
 * to another host or path.
 */
export function checkedNextRecordsPath(url: string): string | undefined {
  return /^\/services\/data\/v\d+\.\d\/query(?:All)?\/[A-Za-z0-9]+-\d+$/.test(url) ? url : undefined
}
