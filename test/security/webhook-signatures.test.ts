/** Campaign test 18: forged or altered webhook signatures are answered 401 with zero side effects; replays apply once. */
import { createHmac, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, waitFor, type Harness } from '../support/hub-harness.ts'
import {
  freshOrderId,
  hubStats,
  orderBody,
  orderTemplate,
  postRaw,
  postSigned,
  runsFor,
  salesOrderEffects,
  shopifyHeaders,
  signBody,
  webhookTarget,
  type WebhookTarget,
} from './webhook-client.ts'

/** The same JSON content with the leading `"id"` member moved last: only the key order differs. */
function reordered(text: string): string {
  // JSON.parse would round int64 ids; move the leading `"id":<digits>,` to the end instead.
  const match = /^\{("id":\d+),(.*)\}$/s.exec(text)
  if (match?.[1] === undefined || match[2] === undefined) throw new Error('no leading id')
  return `{${match[2]},${match[1]}}`
}

function salesOrderCount(h: Harness): number {
  return h.sandbox.netsuite.records.list('salesOrder').length
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

describe('webhook authenticity and replay', () => {
  let h: Harness
  let target: WebhookTarget
  let template: string

  beforeAll(async () => {
    h = await startHarness()
    target = webhookTarget(h)
    template = orderTemplate(h)
    // The template order's own delivery settles first, so counts below move only for our sends.
    await h.sandbox.shopify.deliveriesSettled(15_000)
    await waitFor(async () => (await hubStats(h)).runsByState.completed === 1, 15_000)
  })
  afterAll(async () => {
    await h?.stop()
  })

  const forgeries: Array<{
    name: string
    forge: (body: string) => Record<string, string> | string
  }> = [
    {
      name: 'HMAC with the wrong secret',
      forge: (body) => shopifyHeaders(body, { ...target, secret: `${target.secret}x` }),
    },
    {
      name: 'one body byte changed after signing',
      forge: (body) => body.replace('"currency":"USD"', '"currency":"USE"'),
    },
    {
      name: 'header missing',
      forge: (body) => shopifyHeaders(body, target, { 'x-shopify-hmac-sha256': undefined }),
    },
    {
      name: 'header empty',
      forge: (body) => shopifyHeaders(body, target, { 'x-shopify-hmac-sha256': '' }),
    },
    {
      name: 'header not base64',
      forge: (body) => shopifyHeaders(body, target, { 'x-shopify-hmac-sha256': '!!not*base64??' }),
    },
    {
      name: 'hex instead of base64',
      forge: (body) =>
        shopifyHeaders(body, target, {
          'x-shopify-hmac-sha256': createHmac('sha256', target.secret).update(body).digest('hex'),
        }),
    },
    {
      name: 'base64 truncated (digest of 31 bytes)',
      forge: (body) =>
        shopifyHeaders(body, target, {
          'x-shopify-hmac-sha256': createHmac('sha256', target.secret)
            .update(body)
            .digest()
            .subarray(0, 31)
            .toString('base64'),
        }),
    },
    {
      name: 'base64 text cut short',
      forge: (body) =>
        shopifyHeaders(body, target, {
          'x-shopify-hmac-sha256': signBody(body, target.secret).slice(0, 20),
        }),
    },
    { name: 'body re-serialised: key order changed', forge: (body) => reordered(body) },
    { name: 'body re-serialised: whitespace added', forge: (body) => body.replaceAll('":', '": ') },
  ]

  it.each(forgeries)('answers 401 with zero side effects: $name', async ({ forge }) => {
    const orderId = freshOrderId()
    const body = orderBody(template, orderId)
    const forged = forge(body)
    const before = await hubStats(h)
    const salesOrders = salesOrderCount(h)
    // A string is a body sent with the original body's (now wrong) signature.
    const answer =
      typeof forged === 'string'
        ? await postRaw(target, forged, shopifyHeaders(body, target))
        : await postRaw(target, body, forged)
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'invalid_signature' })
    // Proof the pipeline is live: a valid order sent now is applied, while the forgery is not.
    const control = freshOrderId()
    expect((await postSigned(target, orderBody(template, control))).status).toBe(200)
    expect(await waitFor(() => salesOrderEffects(h, control) === 1, 15_000)).toBe(true)
    const after = await hubStats(h)
    expect(after.inboxMessages).toBe(before.inboxMessages + 1)
    expect(await runsFor(h, `shopify:order:${orderId}`)).toEqual([])
    expect(salesOrderEffects(h, orderId)).toBe(0)
    expect(salesOrderCount(h)).toBe(salesOrders + 1)
  })

  it('answers a replayed valid webhook (same X-Shopify-Webhook-Id) 200 duplicate, with one sales order', async () => {
    const orderId = freshOrderId()
    const body = orderBody(template, orderId)
    const headers = shopifyHeaders(body, target, { 'x-shopify-webhook-id': randomUUID() })
    const first = await postRaw(target, body, headers)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.text)).toMatchObject({ status: 'accepted' })
    expect(await waitFor(() => salesOrderEffects(h, orderId) === 1, 15_000)).toBe(true)
    for (const triggeredAt of [headers['x-shopify-triggered-at'], new Date().toISOString()]) {
      const again = await postRaw(target, body, {
        ...headers,
        'x-shopify-triggered-at': triggeredAt ?? '',
      })
      expect(again.status).toBe(200)
      expect(JSON.parse(again.text)).toMatchObject({ status: 'duplicate' })
    }
    await new Promise((r) => setTimeout(r, 300))
    expect(salesOrderEffects(h, orderId)).toBe(1)
    expect(await runsFor(h, `shopify:order:${orderId}`)).toHaveLength(1)
  })

  it('rejects signatures matching 0 or 31 leading bytes alike (timing informational)', async () => {
    const body = `{"id":${freshOrderId()}}`
    const digest = createHmac('sha256', target.secret).update(body).digest()
    const flipAt = (index: number) => {
      const copy = Buffer.from(digest)
      copy[index] = (copy[index] ?? 0) ^ 0xff
      return copy.toString('base64')
    }
    const variants = { matching0: flipAt(0), matching31: flipAt(31) }
    const times: Record<keyof typeof variants, number[]> = { matching0: [], matching31: [] }
    const statuses = new Set<number>()
    const before = await hubStats(h)
    for (let trial = 0; trial < 2_000; trial++) {
      // Alternate the order so drift in load affects both series alike.
      const order =
        trial % 2 === 0
          ? (['matching0', 'matching31'] as const)
          : (['matching31', 'matching0'] as const)
      for (const name of order) {
        const answer = await postRaw(
          target,
          body,
          shopifyHeaders(body, target, { 'x-shopify-hmac-sha256': variants[name] }),
        )
        statuses.add(answer.status)
        times[name].push(answer.ms)
      }
    }
    const m0 = median(times.matching0)
    const m31 = median(times.matching31)
    console.info(
      `[timing] median 401 time over 2,000 trials: 0 leading bytes ${(m0 * 1000).toFixed(1)} µs, ` +
        `31 leading bytes ${(m31 * 1000).toFixed(1)} µs, difference ${((m31 - m0) * 1000).toFixed(1)} µs`,
    )
    expect([...statuses]).toEqual([401])
    expect((await hubStats(h)).inboxMessages).toBe(before.inboxMessages)
  }, 60_000)
})
