/** @module flows/order-to-cash/threepl-fulfillment-request — the saga's deliveries to the warehouse: ask it to ship the order, read what became of it, cancel it. */
import type { Order, Shipment } from '../../canonical/index.ts'
import type { ThreePlClient } from '../../connectors/threepl/threepl-client.ts'
import { threePlOrderToShipment } from '../../connectors/threepl/threepl-inbound-mapping.ts'
import {
  canonicalOrderToFulfillmentOrder,
  threePlExternalReference,
} from '../../connectors/threepl/threepl-outbound-mapping.ts'
import type { DeliverySpec } from '../../engine/flow-definition.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { JsonValue } from '../../store/store-contract.ts'

export interface ThreePlBinding {
  client: ThreePlClient
  /** The governed target, e.g. `threepl:api.wms.example.com`. */
  target: string
}

/** The warehouse took the order, or refused it (a SKU it does not stock, an address it cannot ship to). */
export type FulfillmentRequest =
  | { kind: 'accepted'; id: string; status: string }
  | { kind: 'refused'; code: string; reason: string }

/** The order's state at the warehouse, read when the wait for its event ran out. */
export type FulfillmentState =
  { kind: 'shipped'; shipment: JsonValue } | { kind: 'open'; status: string } | { kind: 'missing' }

const asJson = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value)) as JsonValue

/**
 * Creates the fulfillment order, keyed twice (Idempotency-Key, and the external reference the
 * warehouse keeps unique); the in-doubt read finds it by that reference. A validation refusal is
 * the warehouse's answer, so it is the delivery's result, not a failure of the run.
 */
export function requestFulfillment(
  threepl: ThreePlBinding,
  order: Order,
): DeliverySpec<FulfillmentRequest> {
  const reference = threePlExternalReference(order)
  return {
    target: threepl.target,
    operation: 'fulfillmentOrder.create',
    businessKey: reference,
    async lookup({ signal }) {
      const found = await threepl.client.getFulfillmentOrderByReference(reference, signal)
      return found === null ? null : { kind: 'accepted', id: found.id, status: found.status }
    },
    async perform({ idempotencyKey, signal }) {
      try {
        const body = canonicalOrderToFulfillmentOrder(order, { externalReference: reference })
        const created = await threepl.client.createFulfillmentOrder(body, {
          idempotencyKey,
          signal,
        })
        return { kind: 'accepted', id: created.id, status: created.order?.status ?? 'received' }
      } catch (error) {
        if (!(HubError.is(error) && error.type === 'validation')) throw error
        return { kind: 'refused', code: error.code ?? 'REFUSED', reason: error.message }
      }
    },
  }
}

/** Reads the order at the warehouse once (as a governed delivery, memoized: a replay reads the same answer). */
export function readFulfillment(
  threepl: ThreePlBinding,
  order: Order,
): DeliverySpec<FulfillmentState> {
  const reference = threePlExternalReference(order)
  const read = async (signal: AbortSignal): Promise<FulfillmentState> => {
    const found = await threepl.client.getFulfillmentOrderByReference(reference, signal)
    if (found === null) return { kind: 'missing' }
    const shipment: Shipment | null = threePlOrderToShipment(found)
    return shipment === null
      ? { kind: 'open', status: found.status }
      : { kind: 'shipped', shipment: asJson(shipment) }
  }
  return {
    target: threepl.target,
    operation: 'fulfillmentOrder.read',
    businessKey: reference,
    lookup: ({ signal }) => read(signal),
    perform: ({ signal }) => read(signal),
  }
}

export interface FulfillmentCancellation {
  [key: string]: JsonValue
  id: string
  status: string
}

/**
 * Cancels the fulfillment order (a second cancel changes nothing). One that shipped meanwhile
 * cannot be cancelled (409): that stays an error, because the goods are gone and a person must
 * decide, not the saga.
 */
export function cancelFulfillment(
  threepl: ThreePlBinding,
  order: Order,
  fulfillmentOrderId: string,
  reason: string,
): DeliverySpec<FulfillmentCancellation> {
  const reference = threePlExternalReference(order)
  return {
    target: threepl.target,
    operation: 'fulfillmentOrder.cancel',
    businessKey: reference,
    async lookup({ signal }) {
      const found = await threepl.client.getFulfillmentOrder(fulfillmentOrderId, signal)
      return found?.status === 'cancelled' ? { id: found.id, status: found.status } : null
    },
    async perform({ idempotencyKey, signal }) {
      const cancelled = await threepl.client.cancelFulfillmentOrder(fulfillmentOrderId, {
        idempotencyKey,
        signal,
        reason,
      })
      return { id: cancelled.id, status: cancelled.status }
    },
  }
}
