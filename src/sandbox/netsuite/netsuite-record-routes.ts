/** @module sandbox/netsuite/netsuite-record-routes — the REST record API v1 and governance endpoints, each behind the fault gate. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BusinessKey, EffectsLedger } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext, GatedRoute } from '../kit/fault-gate.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { emptyResponse, jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import { prepareWrite } from './netsuite-record-rules.ts'
import { isRecordType } from './netsuite-record-store.ts'
import type { NetSuiteForms } from './netsuite-form.ts'
import type { NetSuiteRecordStore, RecordType, StoredRecord } from './netsuite-record-store.ts'
import {
  RECORD_PATH,
  recordUrl,
  renderList,
  renderRecord,
  renderSublist,
  SUBLISTS,
} from './netsuite-record-view.ts'
import type { ViewContext } from './netsuite-record-view.ts'

export const GOVERNANCE_PATH = '/services/rest/system/v1/governanceLimits'

export const NETSUITE_VENDOR_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: '/services/rest/auth/oauth2/v1/token',
    description: 'client credentials (HTTP Basic) → Bearer token',
  },
  {
    method: 'POST',
    path: `${RECORD_PATH}/{type}`,
    description: 'create → 204 + Location; DUP_RCRD on a used externalId',
  },
  {
    method: 'PUT',
    path: `${RECORD_PATH}/{type}/eid:{externalId}`,
    description: 'upsert by external id → 204 + Location',
  },
  {
    method: 'PATCH',
    path: `${RECORD_PATH}/{type}/{id|eid:X}?replace=item`,
    description: 'update → 204; sublist lines are added unless replace=item',
  },
  {
    method: 'GET',
    path: `${RECORD_PATH}/{type}/{id|eid:X}?expandSubResources=true`,
    description: 'one record',
  },
  {
    method: 'GET',
    path: `${RECORD_PATH}/{type}/{id}/{item|locations|line}`,
    description:
      'a sublist: item (salesOrder, invoice, itemFulfillment), locations (inventoryItem), line (journalEntry)',
  },
  { method: 'GET', path: `${RECORD_PATH}/{type}?limit=&offset=`, description: 'collection page' },
  { method: 'GET', path: GOVERNANCE_PATH, description: 'account concurrency limits' },
]

const JSON_SINGLE = 'application/vnd.oracle.resource+json; type=singular-resource; charset=utf-8'
const JSON_COLLECTION = 'application/vnd.oracle.resource+json; type=collection; charset=utf-8'

export interface NetSuiteRouteDeps {
  readonly gate: GateContext
  readonly store: NetSuiteRecordStore
  /** Mandatory fields per form, checked on every API write. */
  readonly forms: NetSuiteForms
  /** The account-wide guard (concurrency cap, then authentication), shared by every API route. */
  readonly guard: NonNullable<GatedRoute['guard']>
  readonly view: () => ViewContext
  readonly ledger: EffectsLedger
  /** The field whose value the ledger records as each write's source version. */
  readonly versionField: string
  readonly baseUrl: () => string
  readonly concurrencyLimit: () => number
  /** Told of every committed create or update (benchmarks time propagation with it). */
  readonly onRecordWritten?: (write: NetSuiteRecordWrite) => void
}

/** A committed write, as the simulator's `onRecordWritten` option reports it. */
export interface NetSuiteRecordWrite {
  readonly recordType: string
  readonly externalId: string | null
  readonly internalId: string
  readonly kind: 'create' | 'update'
  /** The simulator's clock (epoch ms) when the write committed. */
  readonly at: number
}

interface RecordParams {
  readonly type: string
  readonly ref?: string
  readonly sublist?: string
}

const paramsOf = (request: FastifyRequest): RecordParams => request.params as RecordParams
const queryOf = (request: FastifyRequest): Record<string, string | undefined> =>
  request.query as Record<string, string | undefined>
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The ledger key is (type, externalId); records without one fall back to their internal id. */
export const keyOfRecord = (record: StoredRecord): BusinessKey => ({
  recordType: record.type,
  key: record.externalId ?? `#${record.id}`,
})

export function mountNetSuiteRoutes(app: FastifyInstance, deps: NetSuiteRouteDeps): void {
  const { store } = deps
  const effects = {
    recordEffect(record: StoredRecord, kind: 'create' | 'update'): void {
      const version = record.fields[deps.versionField]
      deps.ledger.recordEffect(
        keyOfRecord(record),
        kind,
        typeof version === 'string' ? version : undefined,
      )
      deps.onRecordWritten?.({
        recordType: record.type,
        externalId: record.externalId,
        internalId: record.id,
        kind,
        at: deps.gate.now(),
      })
    },
  }
  const { guard } = deps

  const keyOf = (request: FastifyRequest): BusinessKey | null => {
    const { type, ref } = paramsOf(request)
    if (!isRecordType(type)) return null
    if (ref?.startsWith('eid:')) return { recordType: type, key: ref.slice(4) }
    if (ref !== undefined) {
      const found = store.find(type, ref)
      return found ? keyOfRecord(found) : null
    }
    const body = request.body
    return isObject(body) && typeof body.externalId === 'string'
      ? { recordType: type, key: body.externalId }
      : null
  }

  /** Wraps a handler that needs a known record type. */
  const typed =
    (handle: (type: RecordType, request: FastifyRequest) => SimResponse) =>
    (request: FastifyRequest): SimResponse => {
      const { type } = paramsOf(request)
      return isRecordType(type) ? handle(type, request) : nsErrors.unknownRecordType(type)
    }

  const route = (method: string, url: string, handle: GatedRoute['handle']): void => {
    app.route({ method, url, handler: gated(deps.gate, { key: keyOf, guard, handle }) })
  }
  const created = (record: StoredRecord): SimResponse =>
    emptyResponse(204, { location: recordUrl(deps.baseUrl(), record.type, record.id) })

  route(
    'POST',
    `${RECORD_PATH}/:type`,
    typed((type, request) => {
      const body = request.body
      const externalId = isObject(body) ? (body.externalId ?? null) : null
      if (externalId !== null && typeof externalId !== 'string') {
        return nsErrors.invalidValue('externalId', 'externalId')
      }
      if (externalId !== null && store.byExternalId(type, externalId)) {
        return nsErrors.duplicateRecord('externalId')
      }
      const prepared = prepareWrite(store, type, body, null, {
        sublist: 'replace',
        validate: true,
        mandatory: deps.forms.mandatory(type),
      })
      if (!prepared.ok) return prepared.response
      const record = store.insert(type, externalId, prepared.fields)
      effects.recordEffect(record, 'create')
      return created(record)
    }),
  )

  route(
    'PUT',
    `${RECORD_PATH}/:type/:ref`,
    typed((type, request) => {
      const ref = paramsOf(request).ref ?? ''
      if (!ref.startsWith('eid:') || ref.length <= 4) return nsErrors.upsertNeedsExternalId()
      const externalId = ref.slice(4)
      const existing = store.byExternalId(type, externalId)
      const prepared = prepareWrite(store, type, request.body, existing?.fields ?? null, {
        sublist: 'replace',
        validate: true,
        mandatory: deps.forms.mandatory(type),
      })
      if (!prepared.ok) return prepared.response
      const record = existing
        ? store.update(existing, prepared.fields)
        : store.insert(type, externalId, prepared.fields)
      effects.recordEffect(record, existing ? 'update' : 'create')
      return created(record)
    }),
  )

  route(
    'PATCH',
    `${RECORD_PATH}/:type/:ref`,
    typed((type, request) => {
      const existing = store.find(type, paramsOf(request).ref ?? '')
      if (!existing) return nsErrors.nonexistentId()
      const replace = (queryOf(request).replace ?? '').split(',').includes('item')
      const prepared = prepareWrite(store, type, request.body, existing.fields, {
        sublist: replace ? 'replace' : 'append',
        validate: true,
        mandatory: deps.forms.mandatory(type),
      })
      if (!prepared.ok) return prepared.response
      const record = store.update(existing, prepared.fields)
      effects.recordEffect(record, 'update')
      return created(record)
    }),
  )

  route(
    'GET',
    `${RECORD_PATH}/:type/:ref`,
    typed((type, request) => {
      const record = store.find(type, paramsOf(request).ref ?? '')
      if (!record) return nsErrors.nonexistentId()
      const expand = queryOf(request).expandSubResources === 'true'
      return jsonResponse(200, renderRecord(deps.view(), record, expand), {}, JSON_SINGLE)
    }),
  )

  route(
    'GET',
    `${RECORD_PATH}/:type/:ref/:sublist`,
    typed((type, request) => {
      const { ref, sublist } = paramsOf(request)
      const record = store.find(type, ref ?? '')
      if (!record || sublist === undefined || SUBLISTS[type] !== sublist) {
        return nsErrors.nonexistentId()
      }
      return jsonResponse(200, renderSublist(deps.view(), record), {}, JSON_COLLECTION)
    }),
  )

  route(
    'GET',
    `${RECORD_PATH}/:type`,
    typed((type, request) => {
      const query = queryOf(request)
      const limit = Number(query.limit ?? 1000)
      const offset = Number(query.offset ?? 0)
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        return nsErrors.invalidParameter('limit')
      }
      if (!Number.isInteger(offset) || offset < 0) return nsErrors.invalidParameter('offset')
      return jsonResponse(
        200,
        renderList(deps.baseUrl(), type, store.list(type), limit, offset),
        {},
        JSON_COLLECTION,
      )
    }),
  )

  // Field names are our reading of Oracle's governance documentation ("account concurrency limit"
  // and "unallocated concurrency limit"); the real response may carry more fields.
  route('GET', GOVERNANCE_PATH, () => {
    const limit = deps.concurrencyLimit()
    return jsonResponse(200, {
      accountConcurrencyLimit: limit,
      accountUnallocatedConcurrencyLimit: limit,
    })
  })
}
