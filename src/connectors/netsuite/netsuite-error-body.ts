/** @module connectors/netsuite/netsuite-error-body — reads NetSuite's error body: `o:errorDetails` codes, paths and texts. */
import { parseUntrustedJson } from '../wire/untrusted-json.ts'

export interface NetSuiteErrorDetail {
  detail: string | undefined
  code: string | undefined
  path: string | undefined
}

/** Reads NetSuite's `{"type","title","status","o:errorDetails":[…]}`; anything else yields no details. */
export function parseNetSuiteErrorBody(body: string): NetSuiteErrorDetail[] {
  if (body.trim() === '') return []
  let parsed: unknown
  try {
    parsed = parseUntrustedJson(body, { source: 'NetSuite error body' })
  } catch {
    return []
  }
  const list =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)['o:errorDetails']
      : undefined
  if (!Array.isArray(list)) return []
  return list.map((entry) => {
    const item =
      typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {}
    return {
      detail: str(item.detail),
      code: str(item['o:errorCode']),
      path: str(item['o:errorPath']),
    }
  })
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
