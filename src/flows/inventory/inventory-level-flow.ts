/** @module flows/inventory/inventory-level-flow — 3PL `inventory.adjusted` events → the level in one target system, guarded by the event sequence; and the heal flow reconciliation starts. */
import { threePlInventoryEventToCanonical } from '../../connectors/threepl/threepl-inbound-mapping.ts'
import { defineFlow, type FlowDefinition } from '../../engine/flow-definition.ts'
import type { PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { JsonValue } from '../../store/store-contract.ts'
import type { InventoryTargetPort, LevelToSet } from './inventory-target-port.ts'

export const RECONCILIATION_SOURCE = 'reconciliation'
export const healTopic = (system: string): string => `inventory.heal.${system}`

/** What a heal message carries: the golden level and the break it repairs. */
export interface HealMessage {
  breakId: string
  sku: string
  warehouse: string
  onHand: number
}

export function parseHealMessage(payload: string): HealMessage {
  let value: unknown
  try {
    value = JSON.parse(payload)
  } catch (cause) {
    throw HubError.validation('a heal message is not JSON', { cause, code: 'MALFORMED_HEAL' })
  }
  const v = value as Partial<HealMessage> | null
  if (
    typeof v?.breakId !== 'string' ||
    typeof v.sku !== 'string' ||
    typeof v.warehouse !== 'string' ||
    typeof v.onHand !== 'number' ||
    !Number.isInteger(v.onHand)
  ) {
    throw HubError.validation(
      'a heal message needs breakId, sku, warehouse (strings) and onHand (whole number)',
      { code: 'MALFORMED_HEAL' },
    )
  }
  return { breakId: v.breakId, sku: v.sku, warehouse: v.warehouse, onHand: v.onHand }
}

/** `inventory-to-<system>`: one run per event, one guarded delivery. */
export function createInventoryLevelFlow(port: InventoryTargetPort): FlowDefinition {
  return defineFlow({
    name: `inventory-to-${port.system}`,
    domain: 'inventory' satisfies PolicyDomain,
    trigger: { sourceSystem: 'threepl', topics: ['inventory.adjusted'] },
    async run(ctx, message): Promise<JsonValue> {
      const level = await ctx.step('map-level', () => {
        const mapped = threePlInventoryEventToCanonical(JSON.parse(message.payload) as unknown)
        return {
          sku: mapped.sku,
          warehouse: mapped.locationId,
          onHand: mapped.onHand,
          sequence: Number(mapped.source.version),
        }
      })
      if (!port.handles(level.warehouse)) {
        return { skipped: `warehouse ${level.warehouse} is not mirrored in ${port.system}` }
      }
      const toSet: LevelToSet = {
        sku: level.sku,
        warehouse: level.warehouse,
        onHand: level.onHand,
        ref: String(level.sequence),
      }
      // The account-wide event sequence grows with every event: an older one arriving late (or
      // twice) finds a newer version applied and is skipped instead of writing stale stock.
      const result = await ctx.deliver('set-level', port.setLevel(toSet, level.sequence))
      return { set: toSet.onHand, result }
    },
  })
}

/**
 * `inventory-heal-<system>`: a break reconciliation decided to heal. The repair is a delivery
 * like the event's, so it is governed, idempotent and in the ledger once; its key carries the
 * break id, so each break is repaired once however often its message is sent.
 */
export function createInventoryHealFlow(port: InventoryTargetPort): FlowDefinition {
  return defineFlow({
    name: `inventory-heal-${port.system}`,
    domain: 'inventory' satisfies PolicyDomain,
    trigger: { sourceSystem: RECONCILIATION_SOURCE, topics: [healTopic(port.system)] },
    async run(ctx, message) {
      const heal = await ctx.step('read-heal', () => {
        const parsed = parseHealMessage(message.payload)
        return { ...parsed }
      })
      const toSet: LevelToSet = {
        sku: heal.sku,
        warehouse: heal.warehouse,
        onHand: heal.onHand,
        ref: `heal-${heal.breakId}`,
      }
      const result = await ctx.deliver('heal-level', port.setLevel(toSet))
      return { healed: heal.breakId, set: heal.onHand, result }
    },
  })
}
