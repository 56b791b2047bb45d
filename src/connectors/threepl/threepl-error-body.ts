/** @module connectors/threepl/threepl-error-body — reads the WMS error body `{"error":{type,code,message,errors,existing_id}}`. */
import { parseUntrustedJson } from '../wire/untrusted-json.ts'

/** One rejected field: `field` is a path into the request body, e.g. `lines[1].quantity`. */
export interface ThreePlFieldError {
  field: string
  code: string | undefined
  message: string | undefined
}

export interface ThreePlErrorBody {
  type: string | undefined
  code: string | undefined
  message: string | undefined
  /** Every invalid field at once (422 `validation_failed`). */
  errors: ThreePlFieldError[]
  /** The order already holding an external reference (409 `duplicate_external_reference`). */
  existingId: string | undefined
}

const EMPTY: ThreePlErrorBody = {
  type: undefined,
  code: undefined,
  message: undefined,
  errors: [],
  existingId: undefined,
}

/** Anything that is not the JSON error shape (the edge's HTML 502/503) yields an empty body. */
export function parseThreePlErrorBody(body: string): ThreePlErrorBody {
  if (body.trim() === '' || body.trimStart().startsWith('<')) return EMPTY
  let parsed: unknown
  try {
    parsed = parseUntrustedJson(body, { source: '3PL error body' })
  } catch {
    return EMPTY
  }
  const error = record(record(parsed).error)
  const list = Array.isArray(error.errors) ? (error.errors as unknown[]) : []
  return {
    type: str(error.type),
    code: str(error.code),
    message: str(error.message),
    errors: list.flatMap((entry) => {
      const item = record(entry)
      const field = str(item.field)
      return field === undefined
        ? []
        : [{ field, code: str(item.code), message: str(item.message) }]
    }),
    existingId: str(error.existing_id),
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {}
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
