/** @module sandbox/sap/sap-sim-operations — what /__sim and the in-process handle can do to the simulated system besides its API: read entities, edit as a user, emit and steer events, move the clock. */

import type { SapAuth } from './sap-auth.ts'
import type { BillingMonitor } from './sap-billing-soap-route.ts'
import { updatePartner } from './sap-business-partner-rules.ts'
import { SAP_EVENT_TYPES } from './sap-changes.ts'
import type { RuleContext } from './sap-changes.ts'
import type { SimClock } from '../kit/sim-clock.ts'
import type { EntityAccess } from './sap-entity-access.ts'
import type { EventDispatcher } from './sap-event-dispatcher.ts'
import type { EventFeed } from './sap-event-feed.ts'
import { entityJson } from './sap-json-view.ts'
import { SERVICE_NAMES } from './sap-model.ts'
import type { EntityTypeDef, SapModel } from './sap-model.ts'
import { parseKeyPredicate } from './sap-resource-path.ts'
import { updateSalesOrder } from './sap-sales-order-rules.ts'
import type { SapSimOperations } from './sap-sim-routes.ts'
import type { SapStore } from './sap-store.ts'
import { alphaOut, etagOf } from './sap-wire.ts'

export interface SimOperationDeps {
  readonly clock: SimClock
  readonly auth: SapAuth
  readonly feed: EventFeed
  readonly dispatcher: EventDispatcher
  readonly store: SapStore
  readonly model: SapModel
  readonly access: EntityAccess
  readonly rules: RuleContext
  readonly serviceUrl: (service: string) => string
  readonly billing: BillingMonitor
  /** Appends to the feed and hands the event to the webhook dispatcher. */
  readonly publish: (type: string, data: Readonly<Record<string, string>>) => void
}

const EVENT_TYPES: readonly string[] = Object.values(SAP_EVENT_TYPES)

export function sapSimOperations(deps: SimOperationDeps): SapSimOperations {
  const { clock, auth, feed, dispatcher, store, model, access } = deps
  const typeOf = (set: string): EntityTypeDef | undefined =>
    SERVICE_NAMES.map((s) => model.set(s, set)).find((t) => t !== undefined)
  const render = (type: EntityTypeDef, entity: Parameters<typeof entityJson>[1]) =>
    entityJson({ serviceUrl: deps.serviceUrl(type.service), model, access }, entity, {
      select: null,
      expand: type.navigations.map((n) => n.name),
    })
  const time = () => ({
    now: new Date(clock.now()).toISOString(),
    nowMs: clock.now(),
    offsetMs: clock.offsetMs,
  })

  return {
    clock: time,
    advanceClock: (ms) => {
      clock.advance(ms)
      return time()
    },
    sessions: () => auth.stats(),
    expireSessions: () => auth.expireSessions(),
    rotateCsrfTokens: () => auth.rotateTokens(),
    rejectCsrf: (count) => auth.rejectNext(count),
    events: (afterSeq = 0, limit = 1000) => feed.after(afterSeq, limit),
    emitEvent: (type, key) => {
      if (!EVENT_TYPES.includes(type)) return false
      const salesOrder = type.includes('.salesorder.')
      const id = alphaOut(key)
      const exists = salesOrder ? store.salesOrder(id) : store.partner(id)
      if (!exists && !type.endsWith('.Deleted.v1')) return false
      deps.publish(type, salesOrder ? { SalesOrder: id } : { BusinessPartner: id })
      return true
    },
    holdEvents: () => dispatcher.hold(),
    releaseEvents: (order) => dispatcher.release(order),
    eventSubscriptions: () => dispatcher.subscriptions(),
    subscribeEvents: (url, types) => dispatcher.subscribe(url, types ?? null),
    unsubscribeEvents: (id) => dispatcher.unsubscribe(id),
    eventDeliveries: () => dispatcher.list(),
    redeliverEvent: (id) => dispatcher.redeliver(id),
    entities: (set) => {
      const type = typeOf(set)
      return type && access.list(type).map((e) => render(type, e))
    },
    entity: (set, key) => {
      const type = typeOf(set)
      if (!type) return undefined
      const parsed = key.startsWith('(')
        ? parseKeyPredicate(type, key)
        : parseKeyPredicate(type, `('${key.replace(/'/g, "''")}')`)
      const found = parsed && access.get(type, parsed)
      return found ? render(type, found) : undefined
    },
    edit: (set, key, changes) => {
      const id = alphaOut(key)
      const result =
        set === 'A_SalesOrder'
          ? ((o) => (o ? updateSalesOrder(deps.rules, o, changes, false) : null))(
              store.salesOrder(id),
            )
          : ((p) => (p ? updatePartner(deps.rules, p, changes, false) : null))(store.partner(id))
      if (result === null) return { error: `no ${set} ${key}` }
      if (!result.ok) return { error: `${result.error.code}: ${result.error.message}` }
      // A user's edit is not the hub's write: an event and a new ETag, but nothing in the ledger.
      deps.publish(result.value.change.eventType, result.value.change.eventData)
      return { etag: etagOf(result.value.record.stamp) }
    },
    addMaterial: (material) => store.putMaterial(material),
    extensions: () => model.extensions(),
    extend: (field) => model.extend(field),
    setCredit: (customer, account) => store.putCredit(alphaOut(customer), account),
    billingMessages: () => deps.billing.list(),
  }
}
