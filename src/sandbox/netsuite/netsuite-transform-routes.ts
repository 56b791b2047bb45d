/** @module sandbox/netsuite/netsuite-transform-routes — `POST /salesOrder/{id}/!transform/{invoice|itemFulfillment}` behind the fault gate, each new record counted in the ledger. */

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
import { isTransformTarget, transformSalesOrder } from './netsuite-transform.ts'

export const NETSUITE_TRANSFORM_ROUTES: readonly RouteDescription[] = [
  {
    method: 'POST',
    path: `${RECORD_PATH}/salesOrder/{id}/!transform/invoice?replace=item`,
    description:
      'invoice from a sales order → 204 + Location; NOT idempotent: each call bills what is left, INVALID_INITIALIZE_REF once nothing is',
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
    return type === 'salesOrder' && /^\d+$/.test(ref) ? store.find('salesOrder', ref) : undefined
  }
  // Keyed by the source order, so a second invoice for one order shows as `creates: 2`.
  const keyOf = (request: FastifyRequest): BusinessKey | null => {
    const order = sourceOf(request)
    const { target } = paramsOf(request)
    if (!order || !isTransformTarget(target)) return null
    return { recordType: target, key: keyOfRecord(order).key }
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
        const order = sourceOf(request)
        if (!order) return nsErrors.nonexistentId()
        if (!isTransformTarget(target)) {
          return nsErrors.userError(`A ${type} cannot be transformed into a ${target}.`)
        }
        const query = request.query as Record<string, string | undefined>
        const replace = (query.replace ?? '').split(',').includes('item')
        const made = transformSalesOrder(
          { store, stock: deps.stock, now: deps.gate.now },
          order,
          target,
          request.body,
          replace,
        )
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
