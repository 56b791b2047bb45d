/** @module server/demo-traffic — a merchant's shop placing orders, through Shopify's Admin API.
 *
 * Orders go in through the same REST call a real app would use, so the webhooks the hub receives
 * are produced by the simulator exactly as Shopify would produce them.
 */
import type { ShopifyAdminClient } from '../connectors/shopify/shopify-admin-client.ts'

const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'José', 'Zoë', 'Kenji', 'Amara']
const LAST_NAMES = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Núñez',
  'Ødegaard',
  'Sato',
  'Okafor',
]

export interface DemoTraffic {
  stop(): void
  readonly placed: number
  readonly failed: number
}

export function startDemoTraffic(options: {
  admin: ShopifyAdminClient
  /** Orders per second; Shopify's REST bucket leaks 2/s, so stay below it. */
  ratePerSecond?: number
  onError?: (error: unknown) => void
}): DemoTraffic {
  const interval = Math.max(100, Math.round(1_000 / (options.ratePerSecond ?? 1)))
  let placed = 0
  let failed = 0
  let sequence = 0
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    sequence += 1
    options.admin
      .createOrder(demoOrder(sequence))
      .then(() => {
        placed += 1
      })
      .catch((error: unknown) => {
        failed += 1
        options.onError?.(error)
      })
      .finally(() => {
        busy = false
      })
  }, interval)
  return {
    stop: () => clearInterval(timer),
    get placed() {
      return placed
    },
    get failed() {
      return failed
    },
  }
}

function demoOrder(sequence: number): Record<string, unknown> {
  const who = sequence % 12
  const first = FIRST_NAMES[who % FIRST_NAMES.length] ?? 'Ada'
  const last = LAST_NAMES[(who * 3) % LAST_NAMES.length] ?? 'Lovelace'
  const email = `${first}.${last}.${who}@example.com`
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
  const lines = 1 + (sequence % 3)
  return {
    email,
    currency: 'USD',
    financial_status: 'paid',
    customer: { email, first_name: first, last_name: last },
    line_items: Array.from({ length: lines }, (_, i) => ({
      sku: `SKU-${1 + ((sequence + i * 7) % 20)}`,
      title: `Widget ${1 + ((sequence + i * 7) % 20)}`,
      quantity: 1 + ((sequence + i) % 4),
      price: `${10 + ((sequence * 7 + i) % 90)}.${String((sequence * 13) % 100).padStart(2, '0')}`,
    })),
  }
}
