/** @module flows/order-to-cash/order-to-cash-policy — the knobs of the order-to-cash saga, as data checked at start. */
import { z } from 'zod'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** What a backorder at the warehouse does: cancel everywhere now, or keep waiting for the stock. */
export const BACKORDER_HANDLING = ['cancel', 'wait'] as const

const positiveMs = z.int().positive({ error: 'expected a positive number of milliseconds' })

export const OrderToCashPolicySpec = z.strictObject({
  /**
   * How long the run waits for the warehouse's shipment (or backorder) event. Past it the 3PL order
   * is read: shipped goes on (the webhook was lost), anything else is treated as cannot-fulfil.
   */
  shipmentTimeoutMs: positiveMs.default(7 * DAY),
  backorder: z
    .enum(BACKORDER_HANDLING, { error: `expected one of ${BACKORDER_HANDLING.join(', ')}` })
    .default('cancel'),
  /** With `backorder: wait`, how many backorder events are waited through before cancelling. */
  maxBackorders: z.int().min(1, { error: 'expected at least 1' }).default(3),
  /** Who gets the exception task a compensation opens, e.g. an order-desk queue. */
  exceptionAssignee: z
    .string()
    .trim()
    .min(1, { error: 'name the assignee, e.g. "order-desk"' })
    .default('order-desk'),
  exceptionTimeoutMs: positiveMs.default(2 * DAY),
  /** Who the task escalates to when nobody acts in time; without it the task then expires. */
  exceptionEscalateTo: z.string().trim().min(1).optional(),
  /** Whether Shopify emails the customer about a cancellation. */
  notifyCustomerOnCancel: z.boolean().default(false),
})

export type OrderToCashPolicy = z.output<typeof OrderToCashPolicySpec>
export type OrderToCashPolicyInput = z.input<typeof OrderToCashPolicySpec>

/** Validates the policy; throws an Error naming each field to fix. */
export function parseOrderToCashPolicy(input: unknown = {}): OrderToCashPolicy {
  const parsed = OrderToCashPolicySpec.safeParse(input)
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`)
  throw new Error(`invalid order-to-cash policy: ${problems.join('; ')}`)
}
