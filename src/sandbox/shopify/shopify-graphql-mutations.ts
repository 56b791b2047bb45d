/** @module sandbox/shopify/shopify-graphql-mutations — fulfillmentCreate, inventorySetQuantities and inventoryAdjustQuantities, with their payloads and userErrors. */

import type { TypeDef } from './shopify-graphql-exec.ts'
import { GqlFieldError } from './shopify-graphql-exec.ts'
import type { Ctx } from './shopify-graphql-types.ts'
import { field, gid, parseGid, scalar } from './shopify-graphql-types.ts'
import type { FulfillmentOrderRequest } from './shopify-fulfillment-book.ts'
import { afterFulfillment } from './shopify-fulfillment-routes.ts'
import { inventoryChanged } from './shopify-inventory-routes.ts'
import type { InventoryChange, InventoryLevelRecord } from './shopify-inventory.ts'
import { CATALOGUE } from './shopify-store.ts'

interface UserError {
  readonly field: readonly (string | number)[] | null
  readonly message: string
  readonly code?: string
}

interface AdjustmentGroup {
  readonly id: string
  readonly createdAt: string
  readonly reason: string
  readonly referenceDocumentUri: string | null
  readonly changes: readonly {
    readonly name: string
    readonly delta: number
    readonly level: InventoryLevelRecord
  }[]
}

/** The reasons Shopify accepts for an inventory change. */
const REASONS = new Set([
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_created',
  'movement_updated',
  'movement_received',
  'movement_canceled',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
])

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])
const str = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null

/** A refused input id is a userError on its path, not a top-level error. */
function idOr(value: unknown, kind: string): bigint | null {
  try {
    return parseGid(value, kind)
  } catch (error) {
    if (error instanceof GqlFieldError) return null
    throw error
  }
}

function fulfillmentCreate(args: Record<string, unknown>, ctx: Ctx) {
  const input = isObject(args.fulfillment) ? args.fulfillment : {}
  const groups: FulfillmentOrderRequest[] = []
  for (const [i, g] of list(input.lineItemsByFulfillmentOrder).entries()) {
    const foId = isObject(g) ? idOr(g.fulfillmentOrderId, 'FulfillmentOrder') : null
    if (!isObject(g) || foId === null) {
      return refused(
        ['fulfillment', 'lineItemsByFulfillmentOrder', i],
        'Fulfillment order does not exist.',
      )
    }
    const raw = g.fulfillmentOrderLineItems
    const lines = Array.isArray(raw)
      ? raw.map((l: unknown) => ({
          id: (isObject(l) ? idOr(l.id, 'FulfillmentOrderLineItem') : null) ?? -1n,
          quantity: isObject(l) && typeof l.quantity === 'number' ? l.quantity : -1,
        }))
      : null
    groups.push({ fulfillmentOrderId: foId, lines })
  }
  const t = isObject(input.trackingInfo) ? input.trackingInfo : {}
  const numbers = list(t.numbers)
    .map(str)
    .filter((n): n is string => n !== null)
  const urls = list(t.urls)
    .map(str)
    .filter((u): u is string => u !== null)
  const number = str(t.number)
  const url = str(t.url)
  const outcome = ctx.fulfillments.create({
    byFulfillmentOrder: groups,
    tracking: {
      numbers: numbers.length > 0 ? numbers : number === null ? [] : [number],
      company: str(t.company),
      urls: urls.length > 0 ? urls : url === null ? [] : [url],
    },
  })
  if (!outcome.ok) return refused(['fulfillment', ...outcome.field], outcome.message)
  afterFulfillment(ctx, outcome)
  return { fulfillment: outcome.fulfillment, userErrors: [] }
}

const refused = (path: (string | number)[], message: string, code?: string) => ({
  fulfillment: null,
  inventoryAdjustmentGroup: null,
  userErrors: [{ field: path, message, ...(code === undefined ? {} : { code }) }],
})

interface Planned {
  readonly item: bigint
  readonly location: bigint
  readonly amount: number
}

/** Checks every entry before applying any: a mutation with one bad entry changes nothing. */
function inventoryMutation(
  args: Record<string, unknown>,
  ctx: Ctx,
  entriesKey: 'quantities' | 'changes',
  apply: (p: Planned) => InventoryChange,
) {
  const input = isObject(args.input) ? args.input : {}
  const name = str(input.name)
  const reason = str(input.reason)
  if (name !== 'available' && !(entriesKey === 'quantities' && name === 'on_hand')) {
    return refused(
      ['input', 'name'],
      `The quantity name '${String(name)}' is not valid.`,
      'INVALID_NAME',
    )
  }
  if (reason === null || !REASONS.has(reason)) {
    return refused(['input', 'reason'], 'The specified reason is invalid.', 'INVALID_REASON')
  }
  const ignoreCompare = input.ignoreCompareQuantity === true
  const planned: Planned[] = []
  for (const [i, e] of list(input[entriesKey]).entries()) {
    const entry = isObject(e) ? e : {}
    const path = ['input', entriesKey, i]
    const item = idOr(entry.inventoryItemId, 'InventoryItem')
    if (item === null || !ctx.inventory.itemExists(item)) {
      return refused(
        [...path, 'inventoryItemId'],
        'The specified inventory item could not be found.',
        'INVALID_INVENTORY_ITEM',
      )
    }
    const location = idOr(entry.locationId, 'Location')
    if (location === null || !ctx.inventory.location(location)) {
      return refused(
        [...path, 'locationId'],
        'The specified location could not be found.',
        'INVALID_LOCATION',
      )
    }
    const amount = entriesKey === 'quantities' ? entry.quantity : entry.delta
    if (typeof amount !== 'number' || !Number.isInteger(amount)) {
      return refused(
        [...path, entriesKey === 'quantities' ? 'quantity' : 'delta'],
        'must be an integer',
        'INVALID_QUANTITY',
      )
    }
    if (entriesKey === 'changes' && !ctx.inventory.level(item, location)) {
      return refused(
        [...path, 'locationId'],
        'The specified inventory item is not stocked at the location.',
        'ITEM_NOT_STOCKED_AT_LOCATION',
      )
    }
    if (entriesKey === 'quantities' && !ignoreCompare) {
      const compare = entry.compareQuantity
      const current = ctx.inventory.level(item, location)?.available ?? null
      if (compare === undefined) {
        return refused(
          [...path, 'compareQuantity'],
          'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
          'COMPARE_QUANTITY_REQUIRED',
        )
      }
      if (compare !== current) {
        return refused(
          [...path, 'compareQuantity'],
          'The compareQuantity argument no longer matches the persisted quantity.',
          'COMPARE_QUANTITY_STALE',
        )
      }
    }
    planned.push({ item, location, amount })
  }
  const changes: AdjustmentGroup['changes'][number][] = []
  for (const p of planned) {
    const change = apply(p)
    if (!change.ok) return refused(['input', entriesKey], change.message)
    inventoryChanged(ctx, change)
    if (change.delta !== 0) {
      changes.push({ name: 'available', delta: change.delta, level: change.level })
    }
  }
  // Nothing moved (a repeat of the same set): Shopify answers with no adjustment group.
  const group: AdjustmentGroup | null =
    changes.length === 0
      ? null
      : {
          id: gid('InventoryAdjustmentGroup', ctx.store.nextId('inventoryAdjustment')),
          createdAt: new Date(ctx.store.now()).toISOString(),
          reason,
          referenceDocumentUri: str(input.referenceDocumentUri),
          changes,
        }
  return { inventoryAdjustmentGroup: group, userErrors: [] }
}

type Payload = Record<string, unknown>
const userErrors = field('UserError', 'list', (p: Payload) => p.userErrors)

export const MUTATION_TYPES: Readonly<Record<string, TypeDef<Ctx>>> = {
  Mutation: {
    fulfillmentCreate: field(
      'FulfillmentCreatePayload',
      'object',
      (_: unknown, a, ctx) => fulfillmentCreate(a, ctx),
      ['fulfillment', 'message'],
      ['fulfillment'],
    ),
    inventorySetQuantities: field(
      'InventorySetQuantitiesPayload',
      'object',
      (_: unknown, a, ctx) =>
        inventoryMutation(a, ctx, 'quantities', (p) =>
          ctx.inventory.set(p.item, p.location, p.amount),
        ),
      ['input'],
      ['input'],
    ),
    inventoryAdjustQuantities: field(
      'InventoryAdjustQuantitiesPayload',
      'object',
      (_: unknown, a, ctx) =>
        inventoryMutation(a, ctx, 'changes', (p) =>
          ctx.inventory.adjust(p.item, p.location, p.amount),
        ),
      ['input'],
      ['input'],
    ),
  },
  FulfillmentCreatePayload: {
    fulfillment: field('Fulfillment', 'object', (p: Payload) => p.fulfillment),
    userErrors,
  },
  InventorySetQuantitiesPayload: {
    inventoryAdjustmentGroup: field(
      'InventoryAdjustmentGroup',
      'object',
      (p: Payload) => p.inventoryAdjustmentGroup,
    ),
    userErrors,
  },
  InventoryAdjustQuantitiesPayload: {
    inventoryAdjustmentGroup: field(
      'InventoryAdjustmentGroup',
      'object',
      (p: Payload) => p.inventoryAdjustmentGroup,
    ),
    userErrors,
  },
  UserError: {
    field: scalar((e: UserError) => e.field?.map(String) ?? null),
    message: scalar((e: UserError) => e.message),
    code: scalar((e: UserError) => e.code ?? null),
  },
  InventoryAdjustmentGroup: {
    id: scalar((g: AdjustmentGroup) => g.id),
    createdAt: scalar((g: AdjustmentGroup) => g.createdAt),
    reason: scalar((g: AdjustmentGroup) => g.reason),
    referenceDocumentUri: scalar((g: AdjustmentGroup) => g.referenceDocumentUri),
    changes: field('InventoryChange', 'list', (g: AdjustmentGroup) => g.changes, [
      'inventoryItemIds',
      'locationIds',
      'quantityNames',
    ]),
  },
  InventoryChange: {
    name: scalar((c: AdjustmentGroup['changes'][number]) => c.name),
    delta: scalar((c: AdjustmentGroup['changes'][number]) => c.delta),
    quantityAfterChange: scalar((c: AdjustmentGroup['changes'][number]) => c.level.available),
    item: field('InventoryItem', 'object', (c: AdjustmentGroup['changes'][number]) =>
      CATALOGUE.find((i) => i.inventoryItemId === c.level.inventoryItemId),
    ),
    location: field('Location', 'object', (c: AdjustmentGroup['changes'][number], _a, ctx) =>
      ctx.inventory.location(c.level.locationId),
    ),
  },
}
