/** @module connectors/netsuite/netsuite-record-path — record URLs built safely, and internal ids read back from `Location`. */
import { HubError } from '../../errors/hub-error.ts'

export const RECORD_PATH = '/services/rest/record/v1'

/**
 * `https://…/services/rest/record/v1/customer/647` → `647`. The type segment must be the one written
 * (NetSuite may change its case), so a Location pointing elsewhere (an async job) is not mistaken for an id.
 */
export function internalIdFromLocation(location: string, type: string): string | undefined {
  let pathname: string
  try {
    pathname = new URL(location, 'http://relative.invalid').pathname
  } catch {
    return undefined
  }
  const match = /\/record\/v1\/([^/]+)\/(\d+)\/?$/.exec(pathname)
  if (!match?.[1] || !match[2]) return undefined
  return match[1].toLowerCase() === type.toLowerCase() ? match[2] : undefined
}

/** `…/record/v1/{type}/eid:{externalId}`, with the external id percent-encoded. */
export function eidPath(type: string, externalId: string): string {
  if (externalId === '' || externalId.length > 255) {
    throw HubError.validation(
      `a NetSuite external id must be 1–255 characters, got ${externalId.length}`,
      { code: 'INVALID_ID' },
    )
  }
  return `${RECORD_PATH}/${recordType(type)}/eid:${encodeURIComponent(externalId)}`
}

/** Record types go into the URL path: only NetSuite's identifier shape (`salesOrder`, `customrecord_x`). */
export function recordType(type: string): string {
  if (/^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(type)) return type
  throw HubError.validation(`not a NetSuite record type: ${JSON.stringify(type.slice(0, 100))}`, {
    code: 'INVALID_RECORD_TYPE',
  })
}
