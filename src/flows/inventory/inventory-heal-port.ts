/** @module flows/inventory/inventory-heal-port — reconciliation's repairs as engine messages, so each heal is a run with one idempotent delivery. */
import type { HubEngine } from '../../engine/hub-engine.ts'
import { HubError } from '../../errors/hub-error.ts'
import type { HealPort } from '../../reconciliation/reconciler.ts'
import { splitLevelKey } from './inventory-sync-config.ts'
import { healTopic, RECONCILIATION_SOURCE, type HealMessage } from './inventory-level-flow.ts'

/** The inbox business key of a level: the same as its 3PL events', so heals and events queue in order. */
export const levelBusinessKey = (key: string): string => `threepl:inventory:${key}`

export function engineHealPort(engine: HubEngine, system: string): HealPort {
  const flowName = `inventory-heal-${system}`
  return {
    async heal(found) {
      const golden = found.sourceValue as { onHand?: unknown } | null
      if (typeof golden?.onHand !== 'number') {
        throw HubError.validation(
          `break ${found.id} (${found.breakClass}) has no 3PL on-hand to set: only missing_in_target and field_mismatch can be healed; remove ${found.breakClass} from policy.autoHeal`,
          { code: 'UNHEALABLE_BREAK' },
        )
      }
      const { sku, warehouse } = splitLevelKey(found.entityKey)
      const message: HealMessage = { breakId: found.id, sku, warehouse, onHand: golden.onHand }
      const businessKey = levelBusinessKey(found.entityKey)
      const result = await engine.ingest({
        sourceSystem: RECONCILIATION_SOURCE,
        // One message per break: sending it again (after a crash) is a duplicate, not a second heal.
        sourceMessageId: `${system}-break-${found.id}`,
        connection: 'reconciliation',
        topic: healTopic(system),
        payload: JSON.stringify(message),
        headers: {},
        triggeredAt: null,
        businessKey,
      })
      const runId = result.runIds[0]
      if (runId !== undefined) return runId
      const [earlier] = await engine.store.runList({
        tenantId: engine.tenantId,
        businessKey,
        flowName,
        limit: 1,
      })
      if (earlier === undefined) {
        throw new Error(
          `no ${flowName} flow is registered with the engine to heal ${found.entityKey}`,
        )
      }
      return earlier.id
    },
  }
}
