/** @module sandbox/netsuite/netsuite-sim-routes — NetSuite's own /__sim routes: read, seed and fix records out of band, expire tokens. */

import type { FastifyInstance } from 'fastify'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { sendSim } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { prepareWrite } from './netsuite-record-rules.ts'
import { isRecordType } from './netsuite-record-store.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'

/** A stored record for tests: references hold internal ids (`{id}`), times are ISO strings. */
export interface NetSuiteRecordView {
  readonly type: RecordType
  readonly id: string
  readonly externalId: string | null
  readonly fields: Readonly<Record<string, unknown>>
  readonly dateCreated: string
  readonly lastModifiedDate: string
}

/** In-process access to the records, bypassing the API: no auth, no faults, no ledger effects. */
export interface NetSuiteRecordAccess {
  list(type: RecordType): NetSuiteRecordView[]
  /** `ref` is an internal id or `eid:<externalId>`. */
  get(type: RecordType, ref: string): NetSuiteRecordView | undefined
  /**
   * Seeds or fixes a record like an edit in the NetSuite UI: business rules are skipped but
   * references must resolve. A `fields.externalId` that exists replaces that record's fields.
   */
  put(type: RecordType, fields: Readonly<Record<string, unknown>>): NetSuiteRecordView
  remove(type: RecordType, ref: string): boolean
}

export const NETSUITE_SIM_ROUTES: readonly RouteDescription[] = [
  { method: 'GET', path: '/__sim/records/{type}', description: 'all records of a type, as stored' },
  { method: 'GET', path: '/__sim/records/{type}/{id|eid:X}', description: 'one stored record' },
  {
    method: 'POST',
    path: '/__sim/records/{type}',
    description:
      'seed or fix a record (externalId in the body replaces an existing one); no ledger effect',
  },
  {
    method: 'DELETE',
    path: '/__sim/records/{type}/{id|eid:X}',
    description: 'delete a record out of band',
  },
  { method: 'POST', path: '/__sim/tokens/expire', description: 'expire every issued access token' },
]

export const viewOf = (r: StoredRecord): NetSuiteRecordView => ({
  type: r.type,
  id: r.id,
  externalId: r.externalId,
  fields: r.fields,
  dateCreated: new Date(r.dateCreated).toISOString(),
  lastModifiedDate: new Date(r.lastModifiedDate).toISOString(),
})

/** Thrown by `records.put` when a reference does not resolve; carries the NetSuite-shaped answer. */
export class RecordRejectedError extends Error {
  readonly response: SimResponse
  constructor(response: SimResponse) {
    super(`record rejected: ${response.body ?? response.status}`)
    this.response = response
  }
}

export function recordAccess(store: NetSuiteRecordStore): NetSuiteRecordAccess {
  return {
    list: (type) => store.list(type).map(viewOf),
    get: (type, ref) => {
      const found = store.find(type, ref)
      return found && viewOf(found)
    },
    put: (type, fields) => {
      const externalId = typeof fields.externalId === 'string' ? fields.externalId : null
      const existing = externalId === null ? undefined : store.byExternalId(type, externalId)
      const prepared = prepareWrite(store, type, fields, null, {
        sublist: 'replace',
        validate: false,
      })
      if (!prepared.ok) throw new RecordRejectedError(prepared.response)
      return viewOf(
        existing
          ? store.update(existing, prepared.fields)
          : store.insert(type, externalId, prepared.fields),
      )
    },
    remove: (type, ref) => store.remove(type, ref),
  }
}

export function mountNetSuiteSimRoutes(
  app: FastifyInstance,
  records: NetSuiteRecordAccess,
  expireTokens: () => number,
): void {
  const typeOf = (params: unknown): RecordType | null => {
    const type = (params as { type: string }).type
    return isRecordType(type) ? type : null
  }
  const unknownType = { error: 'record type must be one of customer, salesOrder, inventoryItem' }

  app.get('/__sim/records/:type', (request, reply) => {
    const type = typeOf(request.params)
    return type ? { records: records.list(type) } : reply.code(404).send(unknownType)
  })
  app.get('/__sim/records/:type/:ref', (request, reply) => {
    const type = typeOf(request.params)
    if (!type) return reply.code(404).send(unknownType)
    const found = records.get(type, (request.params as { ref: string }).ref)
    return found ?? reply.code(404).send({ error: 'no such record' })
  })
  app.post('/__sim/records/:type', (request, reply) => {
    const type = typeOf(request.params)
    if (!type) return reply.code(404).send(unknownType)
    if (typeof request.body !== 'object' || request.body === null) {
      return reply.code(400).send({ error: 'body must be the record fields as a JSON object' })
    }
    try {
      return reply.code(201).send(records.put(type, request.body as Record<string, unknown>))
    } catch (error) {
      if (error instanceof RecordRejectedError) return sendSim(reply, error.response)
      throw error
    }
  })
  app.delete('/__sim/records/:type/:ref', (request, reply) => {
    const type = typeOf(request.params)
    if (!type) return reply.code(404).send(unknownType)
    const removed = records.remove(type, (request.params as { ref: string }).ref)
    return removed ? reply.code(204).send() : reply.code(404).send({ error: 'no such record' })
  })
  app.post('/__sim/tokens/expire', () => ({ expired: expireTokens() }))
}
