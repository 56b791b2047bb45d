/** @module sandbox/shopify/shopify-inventory — the shop's locations and stock: one inventory level per (inventory item, location), set or adjusted. */

import { CATALOGUE } from './shopify-store.ts'
import type { Resource } from './shopify-store.ts'

export interface ShopLocation {
  readonly id: bigint
  readonly name: string
  readonly address1: string
  readonly city: string
  readonly province: string
  readonly provinceCode: string
  readonly zip: string
}

/** Location ids are small, as real ones are; the primary location is the first. */
export const LOCATIONS: readonly ShopLocation[] = [
  {
    id: 655441491n,
    name: 'Main Warehouse',
    address1: '1 Commerce Way',
    city: 'Newark',
    province: 'New Jersey',
    provinceCode: 'NJ',
    zip: '07102',
  },
  {
    id: 655441498n,
    name: 'Overflow Warehouse',
    address1: '77 Harbor Road',
    city: 'Elizabeth',
    province: 'New Jersey',
    provinceCode: 'NJ',
    zip: '07201',
  },
]
export const PRIMARY_LOCATION = LOCATIONS[0] as ShopLocation

/** Every SKU starts with this many available at the primary location and is not stocked elsewhere. */
export const INITIAL_AVAILABLE = 100

export interface InventoryLevelRecord {
  readonly inventoryItemId: bigint
  readonly locationId: bigint
  available: number
  updatedAt: number
}

export type InventoryChange =
  | { readonly ok: true; readonly level: InventoryLevelRecord; readonly delta: number }
  | {
      readonly ok: false
      readonly status: number
      readonly field: string
      readonly message: string
    }

const levelKey = (item: bigint, location: bigint): string => `${item}:${location}`

export class ShopInventory {
  readonly #now: () => number
  #levels = new Map<string, InventoryLevelRecord>()

  constructor(now: () => number) {
    this.#now = now
    this.reset()
  }

  location(id: bigint): ShopLocation | undefined {
    return LOCATIONS.find((l) => l.id === id)
  }

  itemExists(id: bigint): boolean {
    return CATALOGUE.some((c) => c.inventoryItemId === id)
  }

  level(item: bigint, location: bigint): InventoryLevelRecord | undefined {
    return this.#levels.get(levelKey(item, location))
  }

  /** Levels matching the filters (an empty filter matches all), ordered by item then location. */
  list(items: readonly bigint[], locations: readonly bigint[]): InventoryLevelRecord[] {
    return [...this.#levels.values()]
      .filter(
        (l) =>
          (items.length === 0 || items.includes(l.inventoryItemId)) &&
          (locations.length === 0 || locations.includes(l.locationId)),
      )
      .sort((a, b) =>
        a.inventoryItemId === b.inventoryItemId
          ? Number(a.locationId - b.locationId)
          : a.inventoryItemId < b.inventoryItemId
            ? -1
            : 1,
      )
  }

  /** Sets `available`; an item not yet stocked at the location is connected first, as Shopify does. */
  set(item: bigint, location: bigint, available: number): InventoryChange {
    const refused = this.#check(item, location)
    if (refused) return refused
    const existing = this.level(item, location)
    const level = existing ?? this.#connect(item, location)
    const delta = available - level.available
    level.available = available
    level.updatedAt = this.#now()
    return { ok: true, level, delta }
  }

  /** Adds `delta` to `available`; refused where the item is not stocked (adjust never connects). */
  adjust(item: bigint, location: bigint, delta: number): InventoryChange {
    const refused = this.#check(item, location)
    if (refused) return refused
    const level = this.level(item, location)
    if (!level) {
      return {
        ok: false,
        status: 422,
        field: 'inventory_item_id',
        message: 'Inventory item is not stocked at the location',
      }
    }
    level.available += delta
    level.updatedAt = this.#now()
    return { ok: true, level, delta }
  }

  reset(): void {
    this.#levels = new Map()
    const at = this.#now()
    for (const item of CATALOGUE) {
      this.#levels.set(levelKey(item.inventoryItemId, PRIMARY_LOCATION.id), {
        inventoryItemId: item.inventoryItemId,
        locationId: PRIMARY_LOCATION.id,
        available: INITIAL_AVAILABLE,
        updatedAt: at,
      })
    }
  }

  #check(item: bigint, location: bigint): InventoryChange | null {
    if (!this.location(location)) {
      return { ok: false, status: 422, field: 'location_id', message: 'Location not found' }
    }
    if (!this.itemExists(item)) {
      return {
        ok: false,
        status: 422,
        field: 'inventory_item_id',
        message: 'Inventory item does not exist',
      }
    }
    return null
  }

  #connect(item: bigint, location: bigint): InventoryLevelRecord {
    const level = { inventoryItemId: item, locationId: location, available: 0, updatedAt: 0 }
    this.#levels.set(levelKey(item, location), level)
    return level
  }
}

/** The REST inventory_level resource. */
export function inventoryLevelResource(
  level: InventoryLevelRecord,
  time: (ms: number) => string,
): Resource {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: level.available,
    updated_at: time(level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`,
  }
}

/** The REST location resource. */
export function locationResource(location: ShopLocation, time: (ms: number) => string): Resource {
  return {
    id: location.id,
    name: location.name,
    address1: location.address1,
    address2: null,
    city: location.city,
    zip: location.zip,
    province: location.province,
    country: 'US',
    phone: null,
    created_at: time(0),
    updated_at: time(0),
    country_code: 'US',
    country_name: 'United States',
    province_code: location.provinceCode,
    legacy: false,
    active: true,
    admin_graphql_api_id: `gid://shopify/Location/${location.id}`,
    localized_country_name: 'United States',
    localized_province_name: location.province,
  }
}
