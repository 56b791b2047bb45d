/** @module sandbox/threepl/threepl-inventory — stock per SKU and warehouse: on hand, allocated to open orders, and what is left to promise. */

export interface InventorySeed {
  readonly sku: string
  readonly warehouse: string
  readonly onHand: number
}

export interface OrderLine {
  readonly sku: string
  readonly quantity: number
}

export interface StockLevel {
  readonly onHand: number
  readonly allocated: number
}

/** One SKU as GET /v1/inventory shows it: totals and the per-warehouse split. */
export interface InventoryRow {
  readonly sku: string
  readonly on_hand: number
  readonly allocated: number
  readonly available: number
  readonly warehouses: readonly {
    readonly warehouse: string
    readonly on_hand: number
    readonly allocated: number
    readonly available: number
  }[]
}

export const DEFAULT_WAREHOUSES: readonly string[] = ['WH-EAST', 'WH-WEST']

/** SKU-1..SKU-20, the catalogue the Shopify and NetSuite simulators share, so one order flows through all three. */
export const DEFAULT_INVENTORY: readonly InventorySeed[] = Array.from({ length: 20 }, (_, i) => [
  { sku: `SKU-${i + 1}`, warehouse: 'WH-EAST', onHand: 100 },
  { sku: `SKU-${i + 1}`, warehouse: 'WH-WEST', onHand: 25 },
]).flat()

/** SKU-2 before SKU-10: the order people (and cursors) expect. */
const bySku = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })

/** Quantities per SKU, so an order naming a SKU on two lines is checked against their sum. */
export function totalsBySku(lines: readonly OrderLine[]): Map<string, number> {
  const totals = new Map<string, number>()
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity)
  return totals
}

interface Level {
  onHand: number
  allocated: number
}

export class InventoryStore {
  readonly #seed: readonly InventorySeed[]
  readonly warehouses: readonly string[]
  #levels = new Map<string, Map<string, Level>>()

  constructor(seed: readonly InventorySeed[]) {
    for (const s of seed) {
      if (!Number.isInteger(s.onHand) || s.onHand < 0) {
        throw new RangeError(`inventory seed for ${s.sku}@${s.warehouse}: onHand must be ≥ 0`)
      }
    }
    this.#seed = seed
    this.warehouses = [...new Set(seed.map((s) => s.warehouse))]
    this.reset()
  }

  reset(): void {
    this.#levels = new Map()
    for (const s of this.#seed) this.#level(s.sku, s.warehouse).onHand = s.onHand
  }

  knows(sku: string): boolean {
    return this.#levels.has(sku)
  }

  skus(): string[] {
    return [...this.#levels.keys()].sort(bySku)
  }

  level(sku: string, warehouse: string): StockLevel | undefined {
    const found = this.#levels.get(sku)?.get(warehouse)
    return found && { onHand: found.onHand, allocated: found.allocated }
  }

  /**
   * The first warehouse, in configured order, that can fill every line: orders ship from one
   * node, so stock split across two warehouses still leaves the order short.
   */
  findWarehouse(lines: readonly OrderLine[]): string | null {
    const totals = totalsBySku(lines)
    return (
      this.warehouses.find((w) =>
        [...totals].every(([sku, quantity]) => {
          const level = this.#levels.get(sku)?.get(w)
          return level !== undefined && level.onHand - level.allocated >= quantity
        }),
      ) ?? null
    )
  }

  allocate(warehouse: string, lines: readonly OrderLine[]): void {
    for (const [sku, quantity] of totalsBySku(lines)) {
      this.#level(sku, warehouse).allocated += quantity
    }
  }

  release(warehouse: string, lines: readonly OrderLine[]): void {
    for (const [sku, quantity] of totalsBySku(lines)) {
      const level = this.#level(sku, warehouse)
      level.allocated = Math.max(0, level.allocated - quantity)
    }
  }

  /** Units leave the building: on hand and allocated both drop. Returns the new on-hand per SKU. */
  ship(
    warehouse: string,
    lines: readonly OrderLine[],
  ): { sku: string; delta: number; onHand: number }[] {
    return [...totalsBySku(lines)].map(([sku, quantity]) => {
      const level = this.#level(sku, warehouse)
      level.onHand -= quantity
      level.allocated = Math.max(0, level.allocated - quantity)
      return { sku, delta: -quantity, onHand: level.onHand }
    })
  }

  /** Changes on hand by `delta`; the caller has checked it stays at or above what is picked. */
  adjust(sku: string, warehouse: string, delta: number): number {
    const level = this.#level(sku, warehouse)
    level.onHand += delta
    return level.onHand
  }

  row(sku: string, warehouse?: string): InventoryRow | undefined {
    const levels = this.#levels.get(sku)
    if (!levels) return undefined
    const warehouses = [...levels]
      .filter(([w]) => warehouse === undefined || w === warehouse)
      .map(([w, l]) => ({
        warehouse: w,
        on_hand: l.onHand,
        allocated: l.allocated,
        available: l.onHand - l.allocated,
      }))
    const sum = (pick: (w: (typeof warehouses)[number]) => number): number =>
      warehouses.reduce((total, w) => total + pick(w), 0)
    return {
      sku,
      on_hand: sum((w) => w.on_hand),
      allocated: sum((w) => w.allocated),
      available: sum((w) => w.available),
      warehouses,
    }
  }

  #level(sku: string, warehouse: string): Level {
    let levels = this.#levels.get(sku)
    if (!levels) {
      levels = new Map()
      this.#levels.set(sku, levels)
    }
    let level = levels.get(warehouse)
    if (!level) {
      level = { onHand: 0, allocated: 0 }
      levels.set(warehouse, level)
    }
    return level
  }
}
