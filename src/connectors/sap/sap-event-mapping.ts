/** @module connectors/sap/sap-event-mapping — S/4HANA business events (structured CloudEvents, keys only) validated into what the hub reads them by. Pure. */
import { z } from 'zod'
import { HubError } from '../../errors/hub-error.ts'
import { formatIssuePath } from '../config-spec.ts'
import { alphaOut } from './sap-odata-path.ts'

/** The event types this connector resolves, as S/4HANA publishes them (topic segments joined with dots). */
export const SAP_BUSINESS_EVENT_TYPES = {
  businessPartnerCreated: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Created.v1',
  businessPartnerChanged: 'sap.s4.beh.businesspartner.v1.BusinessPartner.Changed.v1',
  salesOrderCreated: 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1',
  salesOrderChanged: 'sap.s4.beh.salesorder.v1.SalesOrder.Changed.v1',
  salesOrderDeleted: 'sap.s4.beh.salesorder.v1.SalesOrder.Deleted.v1',
} as const

/** The business objects whose events this connector reads; the name is also `data`'s key field. */
export const SAP_EVENT_OBJECTS = ['BusinessPartner', 'SalesOrder'] as const
export type SapEventObject = (typeof SAP_EVENT_OBJECTS)[number]

/** What an event is about: the object, what happened to it, and its key. */
export interface SapEventSubject {
  object: SapEventObject
  /** `Created`, `Changed`, `Deleted`…: informative only, the state is always read. */
  action: string
  /** The key without leading zeros (ALPHA), as the client addresses the entity. */
  key: string
  /** `sap:BusinessPartner:17100001`: one per entity, the key the engine orders and guards by. */
  entityKey: string
}

/** A validated business event. Carries no state: only the key to read it by. */
export interface SapBusinessEvent {
  /** The CloudEvent `id`: the same on every redelivery, so it is the dedupe key. */
  id: string
  type: string
  source: string
  /** `time` as sent: when SAP raised the event. */
  time: string
  timeMs: number
  /** Undefined for a well-formed event of a type this connector does not read (acknowledge it). */
  subject: SapEventSubject | undefined
}

/** RFC 3339, as CloudEvents `time` is defined; Date.parse alone would take "5" as a year. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i
/** `sap.s4.beh.<object lower>.v<n>.<Object>.<Action>.v<n>`. */
const SAP_TYPE = /^sap\.s4\.beh\.([a-z0-9]+)\.v\d+\.([A-Za-z0-9]+)\.([A-Za-z0-9]+)\.v\d+$/
/** A key goes into the entity's URL path: SAP's CHAR 10 with ALPHA conversion, nothing else. */
const SAP_KEY = /^[A-Za-z0-9]{1,10}$/
/** Ids are stored as the inbox's message id; an unbounded one would let a sender grow it. */
const MAX_ID_LENGTH = 255

const text = (what: string) =>
  z
    .string({ error: `expected ${what} as a string` })
    .trim()
    .min(1, { error: `${what} is empty` })

/**
 * The CloudEvents 1.0 attributes SAP sends. Extension attributes pass (CloudEvents allows them);
 * `time` is optional in CloudEvents but SAP always sends it, and without it the hub could not
 * say when the change happened.
 */
const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0', { error: 'expected specversion "1.0" (CloudEvents 1.0)' }),
  id: text('the event id').max(MAX_ID_LENGTH, {
    error: `the event id is longer than ${MAX_ID_LENGTH} characters`,
  }),
  type: text('the event type'),
  source: text('the event source'),
  time: z
    .string({ error: 'expected time as an RFC 3339 timestamp' })
    .regex(RFC3339, { error: 'expected time as an RFC 3339 timestamp, e.g. 2026-01-10T12:00:00Z' })
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'time is not a real instant' }),
  datacontenttype: z
    .string()
    .regex(/^application\/json(\s*;.*)?$/i, {
      error: 'expected datacontenttype application/json: SAP sends the key as JSON',
    })
    .optional(),
  data: z.record(z.string(), z.unknown(), {
    error: 'expected data as a JSON object holding the key',
  }),
})

/**
 * Validates one business event (the parsed JSON of a structured CloudEvent). Throws
 * HubError.validation naming the field (`path`) when the envelope or the key is malformed; an
 * event of another type is returned without a subject, so the caller acknowledges it.
 */
export function parseSapBusinessEvent(payload: unknown): SapBusinessEvent {
  const parsed = CloudEventEnvelope.safeParse(payload)
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    const path = first === undefined ? '' : formatIssuePath(first.path)
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${formatIssuePath(issue.path) || '(root)'}: ${issue.message}`)
    throw HubError.validation(`SAP business event refused: ${problems.join('; ')}`, {
      cause: parsed.error,
      code: 'INVALID_EVENT',
      ...(path === '' ? {} : { path }),
    })
  }
  const envelope = parsed.data
  return {
    id: envelope.id,
    type: envelope.type,
    source: envelope.source,
    time: envelope.time,
    timeMs: Date.parse(envelope.time),
    subject: subjectOf(envelope.type, envelope.data),
  }
}

function subjectOf(type: string, data: Record<string, unknown>): SapEventSubject | undefined {
  const match = SAP_TYPE.exec(type)
  const object = SAP_EVENT_OBJECTS.find((o) => o === match?.[2])
  // The topic's lower-case segment must name the same object, or the type is not one we know.
  if (match === null || object === undefined || match[1] !== object.toLowerCase()) {
    return undefined
  }
  const action = match[3] ?? ''
  const raw = data[object]
  if (typeof raw !== 'string' || !SAP_KEY.test(raw)) {
    throw HubError.validation(
      `SAP business event refused: data.${object}: expected the ${object} key, 1–10 letters or digits, got ${describe(raw)}`,
      { code: 'INVALID_EVENT', path: `data.${object}` },
    )
  }
  const key = alphaOut(raw)
  return { object, action, key, entityKey: sapEntityKey(object, key) }
}

/** `sap:SalesOrder:1`: the same for every event of one entity, with or without leading zeros. */
export function sapEntityKey(object: SapEventObject, key: string): string {
  return `sap:${object}:${alphaOut(key)}`
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json.length > 40 ? `${json.slice(0, 40)}…` : json
}
