/** @module connectors/salesforce/salesforce-error-body — reads Salesforce's error bodies: the REST array `[{message, errorCode, fields}]`, OAuth's `{error, error_description}`, and a 300's matching records. */
import { parseUntrustedJson } from '../wire/untrusted-json.ts'

export interface SalesforceErrorDetail {
  message: string | undefined
  code: string | undefined
  fields: readonly string[]
}

/**
 * The REST API answers an array of `{message, errorCode, fields}`; the token endpoint answers
 * `{error, error_description}`; a composite subrequest's body is the same array. Anything else
 * (the edge's HTML page, a truncated body) yields no details.
 */
export function parseSalesforceErrorBody(body: string): SalesforceErrorDetail[] {
  const parsed = parseQuietly(body)
  if (Array.isArray(parsed)) return parsed.flatMap(detailOf)
  return detailOf(parsed)
}

function detailOf(entry: unknown): SalesforceErrorDetail[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return []
  const item = entry as Record<string, unknown>
  const code = str(item.errorCode) ?? str(item.error)
  const message = str(item.message) ?? str(item.error_description)
  if (code === undefined && message === undefined) return []
  const fields = Array.isArray(item.fields)
    ? item.fields.filter((f): f is string => typeof f === 'string')
    : []
  return [{ message, code, fields }]
}

/**
 * A 300 lists the matching rows as sObject URLs (`/services/data/v62.0/sobjects/Account/001…`);
 * returns their ids, in order, so an operator can see which rows share the key.
 */
export function multipleChoiceIds(body: string): string[] {
  const parsed = parseQuietly(body)
  if (!Array.isArray(parsed)) return []
  return parsed.flatMap((entry) => {
    const url = typeof entry === 'string' ? entry : undefined
    const id =
      url === undefined ? undefined : /\/([A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?)\/?$/.exec(url)?.[1]
    return id === undefined ? [] : [id]
  })
}

function parseQuietly(body: string): unknown {
  if (body.trim() === '') return undefined
  try {
    return parseUntrustedJson(body, { source: 'Salesforce error body' })
  } catch {
    return undefined
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
