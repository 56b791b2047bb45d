/** @module sandbox/shopify/shopify-order-generator — a merchant's storefront placing orders: no Admin API, no rate limit, webhooks fired as for real checkouts. */

import { z } from 'zod'
import { seededRandom } from '../kit/seeded-random.ts'
import type { SeededRandom } from '../kit/seeded-random.ts'
import { addressFor, buildOrder, catalogueLine } from './shopify-order-builder.ts'
import { CATALOGUE } from './shopify-store.ts'
import type { CustomerRecord, OrderRecord, ShopifyStore } from './shopify-store.ts'

export const generateInput = z.strictObject({
  count: z.number().int().min(1).max(100_000),
  ratePerSecond: z.number().positive().max(10_000).optional(),
  customers: z.number().int().min(1).max(100_000).optional(),
  skus: z.array(z.string().min(1)).min(1).optional(),
  /**
   * False: the orders exist in the shop but no `orders/create` webhook is ever sent for them, a
   * delivery Shopify silently dropped (campaign test 10); only reconciliation can find them.
   */
  webhooks: z.boolean().optional(),
})
export type GenerateOrdersInput = z.input<typeof generateInput>

export interface GenerateResult {
  /** Ids are reserved up front, so they are known even when creation is spread over time. */
  readonly orderIds: readonly string[]
  readonly scheduled: boolean
  /** Resolves when the last order exists (or the generation was cancelled by reset/stop). */
  readonly done: Promise<void>
}

export interface GeneratorHooks {
  readonly orderCreated: (order: OrderRecord) => void
  readonly customerCreated: (customer: CustomerRecord) => void
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Ken',
  'Frances',
  'Linus',
]
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Allen',
  'Torvalds',
]
const STATUSES = ['paid', 'paid', 'paid', 'pending', 'authorized'] as const

export class OrderGenerator {
  readonly #store: ShopifyStore
  readonly #hooks: GeneratorHooks
  readonly #currency: string
  readonly #seed: number
  #rng: SeededRandom
  #timers = new Set<NodeJS.Timeout>()
  #cancels = new Set<() => void>()

  /** Order contents come from their own seeded stream, so a run's orders are reproducible. */
  constructor(store: ShopifyStore, hooks: GeneratorHooks, currency: string, seed: number) {
    this.#store = store
    this.#hooks = hooks
    this.#currency = currency
    this.#seed = seed
    this.#rng = seededRandom(seed).fork(0x0dde5)
  }

  generate(input: z.output<typeof generateInput>): GenerateResult {
    const ids = Array.from({ length: input.count }, () => this.#store.nextId('order'))
    const create = (id: bigint): void =>
      this.#createOne(
        id,
        input.customers ?? 10,
        input.skus ?? CATALOGUE.map((c) => c.sku),
        input.webhooks !== false,
      )
    if (input.ratePerSecond === undefined) {
      ids.forEach(create)
      return { orderIds: ids.map(String), scheduled: false, done: Promise.resolve() }
    }
    const interval = 1000 / input.ratePerSecond
    const started = Date.now()
    const done = new Promise<void>((resolve) => {
      let next = 0
      const cancel = (): void => resolve()
      this.#cancels.add(cancel)
      // Scheduled against the start time, not chained delays, so timer drift does not lower the rate.
      const tick = (): void => {
        while (next < ids.length && Date.now() - started >= next * interval) {
          create(ids[next++] as bigint)
        }
        if (next >= ids.length) {
          this.#cancels.delete(cancel)
          resolve()
          return
        }
        const timer = setTimeout(
          () => {
            this.#timers.delete(timer)
            tick()
          },
          Math.max(0, started + next * interval - Date.now()),
        )
        this.#timers.add(timer)
      }
      tick()
    })
    return { orderIds: ids.map(String), scheduled: true, done }
  }

  /** Stops scheduled generation; reserved ids that were not created yet simply never appear. */
  cancel(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    for (const cancel of this.#cancels) cancel()
    this.#cancels.clear()
  }

  reset(): void {
    this.cancel()
    this.#rng = seededRandom(this.#seed).fork(0x0dde5)
  }

  #createOne(id: bigint, poolSize: number, skus: readonly string[], notify: boolean): void {
    const rng = this.#rng
    const n = rng.int(1, poolSize)
    const customer = this.#customer(n)
    const lines = Array.from({ length: rng.int(1, 3) }, () =>
      catalogueLine(rng.pick(skus), rng.int(1, 3)),
    )
    const address = addressFor(String(customer.body.first_name), String(customer.body.last_name), n)
    const order = buildOrder(
      this.#store,
      {
        customer,
        email: null,
        lines,
        financialStatus: rng.pick(STATUSES),
        tags: '',
        note: null,
        currency: this.#currency,
        billingAddress: address,
        shippingAddress: address,
        sourceName: 'web',
      },
      id,
    )
    if (notify) this.#hooks.orderCreated(order)
  }

  /** Customer n of the pool: the same email every time, so repeat buyers reuse one customer id. */
  #customer(n: number): CustomerRecord {
    const email = `customer${n}@example.com`
    const existing = this.#store.customerByEmail(email)
    if (existing) return existing
    const customer = this.#store.createCustomer({
      email,
      firstName: FIRST[n % FIRST.length] ?? 'Sam',
      lastName: LAST[Math.floor(n / FIRST.length) % LAST.length] ?? 'Doe',
      currency: this.#currency,
    })
    this.#hooks.customerCreated(customer)
    return customer
  }
}
