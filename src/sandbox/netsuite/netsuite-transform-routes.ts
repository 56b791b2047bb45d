/** @module sandbox/netsuite/netsuite-transform-routes — `POST /salesOrder/{id}/!transform/{invoice|itemFulfillment}` and `POST /invoice/{id}/!transform/creditMemo` behind the fault gate, each new record counted in the ledger. */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BusinessKey } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { emptyResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import { keyOfRecord } from './netsuite-record-routes.ts'
import type { NetSuiteRouteDeps } from './netsuite-record-routes.ts'
import { isRecordType } from './netsuite-record-store.ts'
import type { StoredRecord } from './netsuite-record-store.ts'
import { RECORD_PATH, recordUrl } from './netsuite-record-view.ts'
import type { NetSuiteStock } from './netsuite-stock.ts'
import { creditInvoice } from './netsuite-credit-memo.ts'
import { isTransformTarget, transformSalesOrder, type Transformed } from './netsuite-transform.ts'

export const NETSUITE_TRANSFORM_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: `${RECORD_PATH}/salesOrder/{id}/!transform/invoice?replace=item`,
    description:
      'invoice from a sales order → 204 + Location; NOT idempotent: each call bills what is left, INVALID_INITIALIZE_REF once nothing is',
  },
  {
    method: 'POST',
    path: `${RECORD_PATH}/invoice/{id}/!transform/creditMemo`,
    description:
      'credit memo from an invoice, applied to what is open on it → 204 + Location; NOT idempotent; refused USER_ERROR in a period closed or A/R-locked',
  },
  {
    method: 'POST',
    path: `${RECORD_PATH}/salesOrder/{id}/!transform/itemFulfillment?replace=item`,
    description:
      'item fulfillment from a sales order → 204 + Location; quantities up to what is left unshipped; stock leaves the line’s location',
  },
]

interface TransformParams {
  readonly type: string
  readonly ref: string
  readonly target: string
}

const paramsOf = (request: FastifyRequest): TransformParams => request.params as TransformParams

export function mountNetSuiteTransformRoutes(
  app: FastifyInstance,
  deps: NetSuiteRouteDeps & { readonly stock: NetSuiteStock },
): void {
  const { store } = deps
  const sourceOf = (request: FastifyRequest): StoredRecord | undefined => {
    const { type, ref } = paramsOf(request)
    // The transform addresses its source by internal id, as NetSuite documents it.
    if (!/^\d+$/.test(ref)) return undefined
    if (type === 'salesOrder') return store.find('salesOrder', ref)
    return type === 'invoice' ? store.find('invoice', ref) : undefined
  }
  const isCredit = (request: FastifyRequest): boolean => {
    const { type, target } = paramsOf(request)
    return type === 'invoice' && target === 'creditMemo'
  }
  // Keyed by the source, so a second invoice for one order (or a second credit memo for one
  // invoice) shows as `creates: 2`.
  const keyOf = (request: FastifyRequest): BusinessKey | null => {
    const source = sourceOf(request)
    const { target } = paramsOf(request)
    if (!source || !(isCredit(request) || isTransformTarget(target))) return null
    return { recordType: target, key: keyOfRecord(source).key }
  }

  app.route({
    method: 'POST',
    url: `${RECORD_PATH}/:type/:ref/!transform/:target`,
    handler: gated(deps.gate, {
      key: keyOf,
      guard: deps.guard,
      handle: (request) => {
        const { type, target } = paramsOf(request)
        if (!isRecordType(type)) return nsErrors.unknownRecordType(type)
        if (!isRecordType(target)) return nsErrors.unknownRecordType(target)
        const source = sourceOf(request)
        if (!source) return nsErrors.nonexistentId()
        const context = { store, stock: deps.stock, now: deps.gate.now }
        let made: Transformed
        if (isCredit(request)) {
          made = creditInvoice(context, source, request.body)
        } else if (source.type === 'salesOrder' && isTransformTarget(target)) {
          const query = request.query as Record<string, string | undefined>
          const replace = (query.replace ?? '').split(',').includes('item')
          made = transformSalesOrder(context, source, target, request.body, replace)
        } else {
          return nsErrors.userError(`A ${type} cannot be transformed into a ${target}.`)
        }
        if (!made.ok) return made.response
        const key = keyOf(request)
        if (key) deps.ledger.recordEffect(key, 'create')
        deps.onRecordWritten?.({
          recordType: made.record.type,
          externalId: made.record.externalId,
          internalId: made.record.id,
          kind: 'create',
          at: deps.gate.now(),
        })
        return emptyResponse(204, {
          location: recordUrl(deps.baseUrl(), made.record.type, made.record.id),
        })
      },
    }),
  })
}
