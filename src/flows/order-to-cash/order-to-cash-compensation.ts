/** @module flows/order-to-cash/order-to-cash-compensation — when the ERP or the warehouse says no: the order cancelled in every system that has it, then a task for a person.
 *
 * Cancelling comes first and the task second, so nothing waits on a person while a warehouse
 * could still ship a backordered order or an ERP could still bill it. Each cancellation is a
 * delivery with its read, so a crash between them resumes with the ones left. The task says what
 * happened and what was done; its decision (acknowledged, with a note) ends the run.
 */
import type { Order } from '../../canonical/index.ts'
import type { ShopifyCancelReason } from '../../connectors/shopify/shopify-order-payment-client.ts'
import type { ApprovalDecision } from '../../engine/run-approvals.ts'
import type { RunContext } from '../../engine/flow-definition.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { ErpOrderToCashPort } from './erp-order-to-cash-port.ts'
import type { OrderToCashPolicy } from './order-to-cash-policy.ts'
import { cancelInShopify, type ShopifyBinding } from './shopify-order-settlement.ts'
import { cancelFulfillment, type ThreePlBinding } from './threepl-fulfillment-request.ts'

/** Why the order could not be completed. */
export const EXCEPTION_CAUSES = [
  'erp_refused',
  'warehouse_refused',
  'backordered',
  'not_shipped_in_time',
] as const
export type ExceptionCause = (typeof EXCEPTION_CAUSES)[number]

export interface OrderException {
  cause: ExceptionCause
  /** What the refusing system said. */
  reason: string
  salesOrderId: string | null
  fulfillmentOrderId: string | null
}

export interface CancelledOutput {
  [key: string]: JsonValue
  outcome: 'cancelled'
  cause: ExceptionCause
  reason: string
  salesOrderId: string | null
  fulfillmentOrderId: string | null
  taskId: string
  decision: string
  decidedBy: string | null
  note: string | null
}

const SHOPIFY_REASON: Record<ExceptionCause, ShopifyCancelReason> = {
  erp_refused: 'declined',
  warehouse_refused: 'inventory',
  backordered: 'inventory',
  not_shipped_in_time: 'other',
}

const WHAT_HAPPENED: Record<ExceptionCause, string> = {
  erp_refused: 'the ERP refused the sales order',
  warehouse_refused: 'the warehouse refused the fulfillment request',
  backordered: 'the warehouse backordered it',
  not_shipped_in_time: 'the warehouse did not ship it in time',
}

export interface CompensationDeps {
  erp: ErpOrderToCashPort
  threepl: ThreePlBinding
  shopify: ShopifyBinding
  policy: OrderToCashPolicy
}

export async function cancelEverywhere(
  ctx: RunContext,
  deps: CompensationDeps,
  order: Order,
  exception: OrderException,
): Promise<CancelledOutput> {
  const { erp, threepl, shopify, policy } = deps
  const why = `${WHAT_HAPPENED[exception.cause]}: ${exception.reason}`
  const cancelled: string[] = []
  if (exception.fulfillmentOrderId !== null) {
    await ctx.deliver(
      'cancel-fulfillment-order',
      cancelFulfillment(threepl, order, exception.fulfillmentOrderId, why.slice(0, 500)),
    )
    cancelled.push(`3PL fulfillment order ${exception.fulfillmentOrderId}`)
  }
  const { salesOrderId } = exception
  if (salesOrderId !== null) {
    await ctx.deliver('cancel-sales-order', {
      target: erp.target,
      operation: erp.cashOperations.cancelSalesOrder,
      businessKey: erp.salesOrderKey(order),
      lookup: ({ signal }) => erp.findCancelledSalesOrder(order, signal),
      perform: (call) => erp.cancelSalesOrder(order, salesOrderId, call),
    })
    cancelled.push(`${erp.system} sales order ${salesOrderId}`)
  }
  const shopifyCancel = await ctx.deliver(
    'cancel-shopify-order',
    cancelInShopify(shopify, order, SHOPIFY_REASON[exception.cause], policy.notifyCustomerOnCancel),
  )
  cancelled.push(`Shopify order ${order.orderName} (${shopifyCancel.financialStatus})`)

  const decision: ApprovalDecision = await ctx.approval('exception-task', {
    title: `Order ${order.orderName} cancelled: ${WHAT_HAPPENED[exception.cause]}`,
    subject: {
      order: order.orderName,
      orderKey: ctx.businessKey,
      cause: exception.cause,
      reason: exception.reason,
      cancelled,
      customer: order.customer.email ?? order.customer.source.id,
      total: `${order.total} ${order.currency}`,
    },
    assignee: policy.exceptionAssignee,
    timeoutMs: policy.exceptionTimeoutMs,
    ...(policy.exceptionEscalateTo === undefined ? {} : { escalateTo: policy.exceptionEscalateTo }),
  })
  return {
    outcome: 'cancelled',
    cause: exception.cause,
    reason: exception.reason,
    salesOrderId: exception.salesOrderId,
    fulfillmentOrderId: exception.fulfillmentOrderId,
    taskId: decision.taskId,
    decision: decision.decision,
    decidedBy: decision.decision === 'expired' ? null : decision.by,
    note: decision.decision === 'expired' ? null : decision.reason,
  }
}
