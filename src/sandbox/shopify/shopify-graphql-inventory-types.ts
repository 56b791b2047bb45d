/** @module sandbox/shopify/shopify-graphql-inventory-types — the GraphQL Admin inventory types: items, levels with named quantities, locations. */

import type { TypeDef } from './shopify-graphql-exec.ts'
import type { Ctx } from './shopify-graphql-types.ts'
import { field, gid, parseGid, scalar } from './shopify-graphql-types.ts'
import type { InventoryLevelRecord, ShopLocation } from './shopify-inventory.ts'
import { CATALOGUE } from './shopify-store.ts'
import type { CatalogueItem, Resource } from './shopify-store.ts'

const PAGE = ['first', 'after']

export const INVENTORY_TYPES: Readonly<Record<string, TypeDef<Ctx>>> = {
  InventoryItem: {
    id: scalar((i: CatalogueItem) => gid('InventoryItem', i.inventoryItemId)),
    legacyResourceId: scalar((i: CatalogueItem) => String(i.inventoryItemId)),
    sku: scalar((i: CatalogueItem) => i.sku),
    tracked: scalar(() => true),
    inventoryLevel: field(
      'InventoryLevel',
      'object',
      (i: CatalogueItem, a, ctx) =>
        ctx.inventory.level(i.inventoryItemId, parseGid(a.locationId, 'Location')),
      ['locationId'],
      ['locationId'],
    ),
    inventoryLevels: field(
      'InventoryLevel',
      'connection',
      (i: CatalogueItem, _a, ctx) => ctx.inventory.list([i.inventoryItemId], []),
      PAGE,
    ),
  },
  InventoryLevel: {
    id: scalar(
      (l: InventoryLevelRecord) =>
        `gid://shopify/InventoryLevel/${l.locationId}?inventory_item_id=${l.inventoryItemId}`,
    ),
    updatedAt: scalar((l: InventoryLevelRecord) => new Date(l.updatedAt).toISOString()),
    quantities: field(
      'InventoryQuantity',
      'list',
      (l: InventoryLevelRecord, a) => {
        const names = Array.isArray(a.names) ? (a.names as unknown[]) : []
        return names.map((name) => ({
          name,
          // No committed or incoming stock is modelled: on hand is what is available.
          quantity: name === 'available' || name === 'on_hand' ? l.available : 0,
          updatedAt: new Date(l.updatedAt).toISOString(),
        }))
      },
      ['names'],
      ['names'],
    ),
    location: field('Location', 'object', (l: InventoryLevelRecord, _a, ctx) =>
      ctx.inventory.location(l.locationId),
    ),
    item: field('InventoryItem', 'object', (l: InventoryLevelRecord) =>
      CATALOGUE.find((c) => c.inventoryItemId === l.inventoryItemId),
    ),
  },
  InventoryQuantity: {
    name: scalar((q: Resource) => q.name),
    quantity: scalar((q: Resource) => q.quantity),
    updatedAt: scalar((q: Resource) => q.updatedAt),
  },
  Location: {
    id: scalar((l: ShopLocation) => gid('Location', l.id)),
    legacyResourceId: scalar((l: ShopLocation) => String(l.id)),
    name: scalar((l: ShopLocation) => l.name),
    isActive: scalar(() => true),
  },
}
