/** @module sandbox/threepl/threepl-validation — checks a fulfillment order create and a webhook endpoint, naming every bad field by its path in the body (`lines[1].quantity`). */

import type { FieldError } from './threepl-errors.ts'
import { isEventType } from './threepl-events.ts'
import type { EventType } from './threepl-events.ts'
import type { OrderLine } from './threepl-inventory.ts'
import { SHIP_TO_FIELDS } from './threepl-orders.ts'
import type { NewOrder } from './threepl-orders.ts'
import { secretKey } from './threepl-webhook-signer.ts'

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] }

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const REQUIRED_ADDRESS = ['name', 'address1', 'city', 'postal_code', 'country_code'] as const
const MAX_LINES = 500

const nonEmpty = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== ''

/** Every problem at once, so a caller fixing a payload by hand does not go round in circles. */
export function checkNewOrder(
  body: Record<string, unknown>,
  knows: (sku: string) => boolean,
): Checked<NewOrder> {
  const errors: FieldError[] = []
  const add = (field: string, code: string, message: string): void => {
    errors.push({ field, code, message })
  }
  const reference = body.external_reference
  if (reference === undefined || reference === null || reference === '') {
    add('external_reference', 'required', 'The merchant order id is required.')
  } else if (!nonEmpty(reference) || reference.length > 255) {
    add('external_reference', 'invalid', 'Must be a string of 1 to 255 characters.')
  }

  const shipTo: Record<string, string> = {}
  if (!isObject(body.ship_to)) {
    add('ship_to', 'required', 'A ship-to address object is required.')
  } else {
    const given = body.ship_to
    for (const field of SHIP_TO_FIELDS) {
      const value = given[field]
      if (value === undefined || value === null || value === '') continue
      if (typeof value !== 'string') add(`ship_to.${field}`, 'invalid_type', 'Must be a string.')
      else shipTo[field] = value
    }
    for (const field of REQUIRED_ADDRESS) {
      if (!nonEmpty(given[field])) add(`ship_to.${field}`, 'required', `${field} is required.`)
    }
    const country = shipTo.country_code
    if (country !== undefined && !/^[A-Z]{2}$/.test(country)) {
      add('ship_to.country_code', 'invalid', 'Must be an ISO 3166-1 alpha-2 code, e.g. US.')
    }
  }

  const lines: OrderLine[] = []
  if (!Array.isArray(body.lines) || body.lines.length === 0) {
    add('lines', 'required', 'At least one line is required.')
  } else if (body.lines.length > MAX_LINES) {
    add('lines', 'too_many', `At most ${MAX_LINES} lines.`)
  } else {
    body.lines.forEach((line: unknown, i) => {
      const at = `lines[${i}]`
      if (!isObject(line)) return add(at, 'invalid_type', 'Each line must be an object.')
      const { sku, quantity } = line
      if (!nonEmpty(sku)) {
        add(`${at}.sku`, 'required', 'sku is required.')
      } else if (!knows(sku)) {
        add(`${at}.sku`, 'unknown_sku', `No SKU ${sku} in this account's catalogue.`)
      }
      if (typeof quantity !== 'number' || !Number.isInteger(quantity)) {
        add(`${at}.quantity`, 'invalid_type', 'quantity must be an integer.')
      } else if (quantity <= 0) {
        add(`${at}.quantity`, 'must_be_positive', 'quantity must be greater than 0.')
      }
      if (nonEmpty(sku) && typeof quantity === 'number') lines.push({ sku, quantity })
    })
  }

  if (errors.length > 0 || !nonEmpty(reference)) return { ok: false, errors }
  return {
    ok: true,
    value: { externalReference: reference, shipTo, lines },
  }
}

export interface NewEndpoint {
  readonly url: string
  readonly events: readonly EventType[]
  readonly description?: string
  readonly secret?: string
}

/** The sandbox takes http:// as well as https://, because everything runs on loopback. */
export function validUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

export function checkNewEndpoint(body: Record<string, unknown>): Checked<NewEndpoint> {
  const errors: FieldError[] = []
  const { url, events, description, secret } = body
  if (!validUrl(url)) {
    errors.push({ field: 'url', code: 'invalid_url', message: 'Must be an http(s) URL.' })
  }
  if (!Array.isArray(events) || events.length === 0) {
    errors.push({ field: 'events', code: 'required', message: 'Name at least one event type.' })
  } else {
    events.forEach((e: unknown, i) => {
      if (typeof e !== 'string' || !isEventType(e)) {
        errors.push({
          field: `events[${i}]`,
          code: 'unknown_event_type',
          message: `Unknown event type ${String(e)}.`,
        })
      }
    })
  }
  if (description !== undefined && typeof description !== 'string') {
    errors.push({ field: 'description', code: 'invalid_type', message: 'Must be a string.' })
  }
  if (secret !== undefined && (typeof secret !== 'string' || secretKey(secret) === null)) {
    errors.push({
      field: 'secret',
      code: 'invalid_format',
      message: 'Must be whsec_ and 24 to 64 bytes in base64.',
    })
  }
  if (errors.length > 0 || !validUrl(url) || !Array.isArray(events)) return { ok: false, errors }
  return {
    ok: true,
    value: {
      url,
      events: events as EventType[],
      ...(typeof description === 'string' ? { description } : {}),
      ...(typeof secret === 'string' ? { secret } : {}),
    },
  }
}
