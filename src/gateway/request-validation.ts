/** @module gateway/request-validation — zod parsing that answers 400 with the offending parameter.
 *
 * Query strings arrive as strings (or arrays when repeated), so the schemas here convert and bound
 * them explicitly instead of coercing, which would turn `limit=abc` into `NaN` silently.
 */
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { isRecordId, MAX_RECORD_ID, type AuditActor } from '../store/store-contract.ts'
import { GatewayHttpError } from './gateway-errors.ts'

export const MAX_PAGE_SIZE = 500
export const DEFAULT_PAGE_SIZE = 50

/**
 * Database ids are bigint sequences, serialised as decimal strings. The range is checked here, not
 * left to the store: a value outside bigint cannot be compared with a column, and would fail there.
 */
export const idString = z
  .string({ error: 'must be a single value' })
  .regex(/^[0-9]{1,19}$/, { error: 'must be a numeric id (digits only)' })
  .refine(isRecordId, { error: `must be a numeric id from 1 to ${MAX_RECORD_ID}` })

/**
 * C0 control characters other than tab: none belongs in a key, name or id, and PostgreSQL refuses
 * U+0000 in text outright ("invalid byte sequence"), which would surface as a 500.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000a-\u001f]/

export const textParam = z
  .string({ error: 'must be a single value' })
  .min(1, { error: 'must not be empty' })
  .max(500, { error: 'must be at most 500 characters' })
  .refine((value) => !CONTROL_CHARACTER.test(value), {
    error: 'must not contain control characters (U+0000 to U+001F, except tab)',
  })

export const limitParam = z
  .string({ error: 'must be a single value' })
  .regex(/^[0-9]+$/, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
      .max(MAX_PAGE_SIZE, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }),
  )
  .default(DEFAULT_PAGE_SIZE)

export const booleanParam = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true')

/** Parses `input` or throws a 400 naming the first offending parameter and what it accepts. */
export function parseRequestPart<T extends z.ZodType>(
  schema: T,
  input: unknown,
  part: 'query parameter' | 'body field' | 'path parameter',
): z.output<T> {
  const result = schema.safeParse(input ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  if (issue === undefined) {
    throw new GatewayHttpError(400, 'invalid_request', `invalid ${part}`)
  }
  if (issue.code === 'unrecognized_keys') {
    const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape).join(', ') : ''
    throw new GatewayHttpError(
      400,
      'invalid_request',
      `unknown ${part} ${issue.keys.map((k) => `'${k}'`).join(', ')}; allowed: ${allowed}`,
    )
  }
  const name = issue.path.map(String).join('.')
  throw new GatewayHttpError(
    400,
    'invalid_request',
    name === '' ? `${part}s: ${issue.message}` : `${part} '${name}' ${issue.message}`,
  )
}

/**
 * Who an audit record names for an API call. The API has no users yet: the caller's address is the
 * most the hub knows, and the request id ties the record to the log lines of the same call.
 */
export function auditActor(request: FastifyRequest): AuditActor {
  return { actor: `api:${request.ip}`, interactionId: request.id }
}
