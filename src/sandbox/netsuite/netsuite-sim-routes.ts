/** @module sandbox/netsuite/netsuite-sim-routes — NetSuite's own /__sim routes: read, seed and fix records out of band, expire tokens. */

import type { FastifyInstance } from 'fastify'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { sendSim } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { prepareWrite } from './netsuite-record-rules.ts'
import { isRecordType, RECORD_TYPES } from './netsuite-record-store.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'
import { parseFormChange } from './netsuite-form.ts'
import type { NetSuiteForms } from './netsuite-form.ts'
import type { LoginAuditEntry } from './netsuite-route-guard.ts'
import type { NetSuiteStock, StockLevel } from './netsuite-stock.ts'

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

/** Stock per item and location, set out of band (a stock count, a receipt nobody syncs). */
export interface NetSuiteInventoryAccess {
  /** Every location's level for the item (`123` or `eid:SKU-1`); undefined for an unknown item. */
  levels(item: string): { location: NetSuiteRecordView; level: StockLevel }[] | undefined
  /** Sets the quantities at one location; throws when the item or location does not exist. */
  set(
    item: string,
    location: string,
    quantities: { quantityOnHand?: number; quantityCommitted?: number },
  ): StockLevel
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
  {
    method: 'GET',
    path: '/__sim/inventory/{id|eid:X}',
    description: 'stock of one item at every location',
  },
  {
    method: 'POST',
    path: '/__sim/inventory',
    description:
      'set stock: {item: "123"|"eid:SKU-1", location: "1020"|"eid:WH-MAIN", quantityOnHand?, quantityCommitted?}',
  },
  {
    method: 'GET',
    path: '/__sim/login-audit',
    description: 'failed logins with the reason (InvalidSignature, NonceUsed, InvalidTimestamp…)',
  },
  { method: 'GET', path: '/__sim/form', description: 'the mandatory fields of each form' },
  {
    method: 'POST',
    path: '/__sim/form',
    description:
      '{recordType, mandatory: ["custbody_x"]}: make fields mandatory on a form (schema drift); [] clears',
  },
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

export function inventoryAccess(
  store: NetSuiteRecordStore,
  stock: NetSuiteStock,
): NetSuiteInventoryAccess {
  return {
    levels: (ref) => {
      const item = store.find('inventoryItem', ref)
      if (!item) return undefined
      return stock
        .levels(item.id, store.list('location'))
        .map(({ location, level }) => ({ location: viewOf(location), level }))
    },
    set: (itemRef, locationRef, quantities) => {
      const item = store.find('inventoryItem', itemRef)
      const location = store.find('location', locationRef)
      if (!item) throw new Error(`no inventoryItem ${itemRef}`)
      if (!location) throw new Error(`no location ${locationRef}`)
      for (const [name, value] of Object.entries(quantities)) {
        if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
          throw new Error(`${name} must be a number`)
        }
      }
      return stock.set(item.id, location.id, quantities)
    },
  }
}

export interface NetSuiteSimRouteDeps {
  readonly records: NetSuiteRecordAccess
  readonly inventory: NetSuiteInventoryAccess
  readonly expireTokens: () => number
  readonly loginAudit: () => LoginAuditEntry[]
  readonly forms: NetSuiteForms
}

export function mountNetSuiteSimRoutes(app: FastifyInstance, deps: NetSuiteSimRouteDeps): void {
  const { records, inventory } = deps
  const typeOf = (params: unknown): RecordType | null => {
    const type = (params as { type: string }).type
    return isRecordType(type) ? type : null
  }
  const unknownType = { error: `record type must be one of ${RECORD_TYPES.join(', ')}` }

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
  app.post('/__sim/tokens/expire', () => ({ expired: deps.expireTokens() }))
  app.get('/__sim/inventory/:ref', (request, reply) => {
    const levels = inventory.levels((request.params as { ref: string }).ref)
    return levels ? { levels } : reply.code(404).send({ error: 'no such inventoryItem' })
  })
  app.post('/__sim/inventory', (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    if (typeof body.item !== 'string' || typeof body.location !== 'string') {
      return reply.code(400).send({ error: 'body needs item and location (internal id or eid:X)' })
    }
    try {
      const quantities = {
        ...(body.quantityOnHand === undefined ? {} : { quantityOnHand: body.quantityOnHand }),
        ...(body.quantityCommitted === undefined
          ? {}
          : { quantityCommitted: body.quantityCommitted }),
      } as { quantityOnHand?: number; quantityCommitted?: number }
      return inventory.set(body.item, body.location, quantities)
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message })
    }
  })
  app.get('/__sim/login-audit', () => ({ failures: deps.loginAudit() }))
  app.get('/__sim/form', () => ({ mandatory: deps.forms.snapshot() }))
  app.post('/__sim/form', (request, reply) => {
    const change = parseFormChange(request.body)
    if (!change.ok) return reply.code(400).send({ error: change.error })
    deps.forms.require(change.type, change.fields)
    return { mandatory: deps.forms.snapshot() }
  })
}
