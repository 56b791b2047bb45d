// The producer of campaign test 8: captures the Shopify simulator's real webhooks, then delivers
// them to the hub the way Shopify misbehaves — several times, shuffled, late, and through a second
// subscription — recording every response.
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'

export interface CapturedWebhook {
  topic: string
  eventId: string
  orderId: string
  /** The order's `updated_at` in this payload: the event's entity version. */
  version: string
  triggeredAt: string
  headers: Record<string, string>
  body: Buffer
}

/** An HTTP endpoint the simulator delivers to; it keeps every webhook and answers 200. */
export async function startWebhookCapture(): Promise<{
  url: string
  captured: CapturedWebhook[]
  close(): Promise<void>
}> {
  const captured: CapturedWebhook[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name.startsWith('x-shopify-')) headers[name] = value
      }
      const body = Buffer.concat(chunks)
      const text = body.toString('utf8')
      const id = /"id":(\d+)/.exec(text)?.[1] ?? ''
      // Only the top-level updated_at is read; the id is taken textually as it exceeds 2^53.
      const { updated_at: version } = JSON.parse(text) as { updated_at?: unknown }
      captured.push({
        topic: headers['x-shopify-topic'] ?? '',
        eventId: headers['x-shopify-event-id'] ?? '',
        orderId: id,
        version: typeof version === 'string' ? version : '',
        triggeredAt: headers['x-shopify-triggered-at'] ?? '',
        headers,
        body,
      })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/capture`,
    captured,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type CopyKind = 'retry' | 'late' | 'second-subscription'

export interface PlannedDelivery {
  webhook: CapturedWebhook
  kind: CopyKind
  /** Position in the send order (ms of the producer's schedule). */
  at: number
  headers: Record<string, string>
}

export interface DeliveryOutcome {
  planned: PlannedDelivery
  status: number
  sentAt: number
  answeredAt: number
}

/** Poisson(mean) by inversion, clamped to [1, 5] as the campaign states. */
function copies(mean: number, random: () => number): number {
  let k = 0
  let p = Math.exp(-mean)
  let sum = p
  const u = random()
  while (u > sum && k < 20) {
    k += 1
    p *= mean / k
    sum += p
  }
  return Math.min(5, Math.max(1, k))
}

/**
 * Every event 1–5 times (Poisson, mean 2) with its Event-Id and a new Webhook-Id per copy, each
 * copy shifted by up to `windowMs` so arrivals are shuffled; `lateShare` of the events get one more
 * copy after everything else whose Triggered-At is 1–6 h old (what a delivery 1–6 h late looks
 * like to the hub); `secondSubscriptionShare` get a copy with a new Event-Id, as a second
 * subscription to the topic would send.
 */
export function planDeliveries(
  webhooks: readonly CapturedWebhook[],
  options: {
    random: () => number
    spacingMs: number
    windowMs: number
    lateShare: number
    secondSubscriptionShare: number
  },
): PlannedDelivery[] {
  const { random } = options
  const plan: PlannedDelivery[] = []
  const end = webhooks.length * options.spacingMs + options.windowMs
  webhooks.forEach((webhook, index) => {
    const natural = index * options.spacingMs
    const shifted = (): number => natural + random() * options.windowMs
    const withIds = (eventId: string): Record<string, string> => ({
      ...webhook.headers,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': eventId,
    })
    const n = copies(2, random)
    for (let i = 0; i < n; i += 1) {
      plan.push({ webhook, kind: 'retry', at: shifted(), headers: withIds(webhook.eventId) })
    }
    if (random() < options.secondSubscriptionShare) {
      plan.push({
        webhook,
        kind: 'second-subscription',
        at: shifted(),
        headers: withIds(randomUUID()),
      })
    }
    if (random() < options.lateShare) {
      const lateByMs = 3_600_000 * (1 + 5 * random())
      plan.push({
        webhook,
        kind: 'late',
        at: end + random() * options.windowMs,
        headers: {
          ...withIds(webhook.eventId),
          'x-shopify-triggered-at': new Date(
            Date.parse(webhook.triggeredAt) - lateByMs,
          ).toISOString(),
        },
      })
    }
  })
  return plan.sort((a, b) => a.at - b.at)
}

/** Sends the plan in order, `concurrency` at a time, and records each status (0: no answer). */
export async function deliver(
  plan: readonly PlannedDelivery[],
  hubWebhookUrl: string,
  concurrency: number,
): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < plan.length) {
      const planned = plan[next++] as PlannedDelivery
      const sentAt = Date.now()
      let status = 0
      try {
        const response = await request(hubWebhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...planned.headers },
          body: planned.webhook.body,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        })
        await response.body.dump()
        status = response.statusCode
      } catch {
        status = 0
      }
      outcomes.push({ planned, status, sentAt, answeredAt: Date.now() })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}
