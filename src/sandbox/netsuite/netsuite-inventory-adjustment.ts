/** @module sandbox/netsuite/netsuite-inventory-adjustment — the inventoryAdjustment transaction: how stock at a location changes through the record API (item writes refuse it). */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { BusinessKey, EffectsLedger } from '../kit/effects-ledger.ts'
import { gated } from '../kit/fault-gate.ts'
import type { GateContext, GatedRoute } from '../kit/fault-gate.ts'
import type { RouteDescription } from '../kit/scenario-router.ts'
import { emptyResponse, jsonResponse } from '../kit/sim-response.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import { nsErrors } from './netsuite-errors.ts'
import type { NetSuiteRecordStore, StoredRecord } from './netsuite-record-store.ts'
import { netsuiteTime, RECORD_PATH, recordUrl } from './netsuite-record-view.ts'
import type { NetSuiteStock } from './netsuite-stock.ts'

const TYPE = 'inventoryAdjustment'
const PATH = `${RECORD_PATH}/${TYPE}`

export const NETSUITE_ADJUSTMENT_ROUTES: readonly RouteDescription[] = [
  {
    method: 'PUT',
    path: `${PATH}/eid:{externalId}`,
    description:
      'upsert an inventory adjustment {adjLocation?, memo?, inventory:{items:[{item:{id|externalId}, location:{id|externalId}, adjustQtyBy}]}}; an update moves stock by the difference → 204',
  },
  { method: 'GET', path: `${PATH}/{id|eid:X}`, description: 'one inventory adjustment' },
]

interface Line {
  readonly item: StoredRecord
  readonly location: StoredRecord
  readonly adjustQtyBy: number
}

interface Adjustment {
  readonly id: string
  readonly externalId: string
  lines: Line[]
  memo: string | null
  readonly dateCreated: number
  lastModifiedDate: number
}

export interface NetSuiteAdjustmentDeps {
  readonly gate: GateContext
  readonly guard: NonNullable<GatedRoute['guard']>
  readonly store: NetSuiteRecordStore
  readonly stock: NetSuiteStock
  readonly ledger: EffectsLedger
  readonly baseUrl: () => string
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The ledger key of stock at one location: `<item externalId>@<location externalId>`. */
export const stockKey = (item: StoredRecord, location: StoredRecord): BusinessKey => ({
  recordType: 'inventoryLevel',
  key: `${item.externalId ?? `#${item.id}`}@${location.externalId ?? `#${location.id}`}`,
})

/** Adjustments live beside the record store (they only move stock); reset with it. */
export class NetSuiteAdjustments {
  #byExternalId = new Map<string, Adjustment>()
  // Far above the record store's ids, so an adjustment id is never taken for another record's.
  #nextId = 900_000

  reset(): void {
    this.#byExternalId = new Map()
    this.#nextId = 900_000
  }

  find(ref: string): Adjustment | undefined {
    if (ref.startsWith('eid:')) return this.#byExternalId.get(ref.slice(4))
    return [...this.#byExternalId.values()].find((a) => a.id === ref)
  }

  put(externalId: string, lines: Line[], memo: string | null, now: number): Adjustment {
    const existing = this.#byExternalId.get(externalId)
    if (existing) {
      existing.lines = lines
      existing.memo = memo
      existing.lastModifiedDate = now
      return existing
    }
    this.#nextId += 1
    const created = {
      id: String(this.#nextId),
      externalId,
      lines,
      memo,
      dateCreated: now,
      lastModifiedDate: now,
    }
    this.#byExternalId.set(externalId, created)
    return created
  }
}

function parseLines(
  store: NetSuiteRecordStore,
  body: Record<string, unknown>,
): Line[] | SimResponse {
  const inventory = body.inventory
  const items = isObject(inventory) ? inventory.items : undefined
  if (!Array.isArray(items) || items.length === 0) {
    return nsErrors.userError(
      'Please enter value(s) for: Adjustments (inventory.items)',
      'inventory',
    )
  }
  const lines: Line[] = []
  const fallbackLocation = store.resolve('location', body.adjLocation)
  for (const [n, raw] of items.entries()) {
    if (!isObject(raw)) return nsErrors.invalidValue('inventory', `inventory.items[${n}]`)
    const item = store.resolve('inventoryItem', raw.item)
    if (!item) return nsErrors.invalidValue('item', `inventory.items[${n}].item`)
    const location = store.resolve('location', raw.location) ?? fallbackLocation
    if (!location) return nsErrors.invalidValue('location', `inventory.items[${n}].location`)
    const by = raw.adjustQtyBy
    if (typeof by !== 'number' || !Number.isInteger(by)) {
      return nsErrors.invalidValue('adjustQtyBy', `inventory.items[${n}].adjustQtyBy`)
    }
    lines.push({ item, location, adjustQtyBy: by })
  }
  return lines
}

/** Net stock change per (item, location) of a set of lines. */
function netChange(lines: readonly Line[], sign: number, into: Map<string, Line>): void {
  for (const l of lines) {
    const k = `${l.item.id}|${l.location.id}`
    const prior = into.get(k)
    into.set(k, { ...l, adjustQtyBy: (prior?.adjustQtyBy ?? 0) + sign * l.adjustQtyBy })
  }
}

export function mountNetSuiteAdjustmentRoutes(
  app: FastifyInstance,
  deps: NetSuiteAdjustmentDeps,
  adjustments: NetSuiteAdjustments,
): void {
  const refOf = (request: FastifyRequest): string => (request.params as { ref: string }).ref
  // Keyed by external id, as the record routes key theirs, so the ledger names the adjustment.
  const key = (request: FastifyRequest): BusinessKey => {
    const ref = refOf(request)
    return { recordType: TYPE, key: ref.startsWith('eid:') ? ref.slice(4) : ref }
  }

  app.route({
    method: 'PUT',
    url: `${PATH}/:ref`,
    handler: gated(deps.gate, {
      key,
      guard: deps.guard,
      handle: (request) => {
        const ref = refOf(request)
        if (!ref.startsWith('eid:') || ref.length <= 4) return nsErrors.upsertNeedsExternalId()
        const body = request.body
        if (!isObject(body)) {
          return nsErrors.invalidContent('The request body must be a JSON object.')
        }
        const lines = parseLines(deps.store, body)
        if (!Array.isArray(lines)) return lines
        const existing = adjustments.find(ref)
        // An update replaces the lines: stock moves by the difference, as NetSuite re-posts it.
        const change = new Map<string, Line>()
        netChange(existing?.lines ?? [], -1, change)
        netChange(lines, 1, change)
        for (const c of change.values()) {
          if (c.adjustQtyBy === 0) continue
          const now = deps.stock.level(c.item.id, c.location.id).quantityOnHand
          deps.stock.set(c.item.id, c.location.id, { quantityOnHand: now + c.adjustQtyBy })
          deps.ledger.recordEffect(stockKey(c.item, c.location), 'update')
        }
        const memo = typeof body.memo === 'string' ? body.memo : null
        const saved = adjustments.put(ref.slice(4), lines, memo, deps.gate.now())
        deps.ledger.recordEffect(key(request), existing ? 'update' : 'create')
        return emptyResponse(204, { location: recordUrl(deps.baseUrl(), TYPE, saved.id) })
      },
    }),
  })

  app.route({
    method: 'GET',
    url: `${PATH}/:ref`,
    handler: gated(deps.gate, {
      key,
      guard: deps.guard,
      handle: (request) => {
        const found = adjustments.find(refOf(request))
        if (!found) return nsErrors.nonexistentId()
        const base = deps.baseUrl()
        return jsonResponse(200, {
          links: [{ rel: 'self', href: recordUrl(base, TYPE, found.id) }],
          id: found.id,
          externalId: found.externalId,
          memo: found.memo,
          createdDate: netsuiteTime(found.dateCreated),
          lastModifiedDate: netsuiteTime(found.lastModifiedDate),
          inventory: {
            items: found.lines.map((l, i) => ({
              line: i + 1,
              item: { id: l.item.id },
              location: { id: l.location.id },
              adjustQtyBy: l.adjustQtyBy,
            })),
          },
        })
      },
    }),
  })
}
