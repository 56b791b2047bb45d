/** @module test/security/webhook-client — signed Shopify webhooks and hub API reads for the security tests. */
import { createHmac, randomUUID } from 'node:crypto'
import type { Harness } from '../support/hub-harness.ts'

export interface WebhookTarget {
  /** The hub's base URL. */
  url: string
  secret: string
  shopDomain: string
}

export interface HubAnswer {
  status: number
  text: string
  headers: Headers
  ms: number
}

export function webhookTarget(h: Harness): WebhookTarget {
  return {
    url: h.hub.url,
    secret: h.sandbox.shopify.webhookSecret,
    shopDomain: h.sandbox.shopify.shopDomain,
  }
}

/** The canonical Shopify signature: base64 of HMAC-SHA256 over the exact body bytes. */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64')
}

/**
 * The headers Shopify sends, signed over `body`. An override of `undefined` removes that header,
 * so a test can send a delivery without a signature.
 */
export function shopifyHeaders(
  body: Buffer | string,
  target: WebhookTarget,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/create',
    'x-shopify-hmac-sha256': signBody(body, target.secret),
    'x-shopify-shop-domain': target.shopDomain,
    'x-shopify-api-version': '2026-01',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-event-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
    ...overrides,
  }
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  )
}

/** POSTs a body to `/webhooks/shopify/demo` with the given headers; never throws on a status. */
export async function postRaw(
  target: WebhookTarget,
  body: Buffer | string,
  headers: Record<string, string>,
  path = '/webhooks/shopify/demo',
): Promise<HubAnswer> {
  const started = performance.now()
  const response = await fetch(`${target.url}${path}`, { method: 'POST', headers, body })
  const text = await response.text()
  return {
    status: response.status,
    text,
    headers: response.headers,
    ms: performance.now() - started,
  }
}

/** A correctly signed delivery of `body`, with optional header overrides. */
export function postSigned(
  target: WebhookTarget,
  body: Buffer | string,
  overrides: Record<string, string | undefined> = {},
): Promise<HubAnswer> {
  return postRaw(target, body, shopifyHeaders(body, target, overrides))
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url)
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`)
  }
  return (await response.json()) as T
}

export interface HubStats {
  inboxMessages: number
  deadLetters: number
  runsByState: Record<string, number>
}

export function hubStats(h: Harness): Promise<HubStats> {
  return getJson<HubStats>(`${h.hub.url}/api/v1/stats`)
}

export interface RunView {
  id: string
  businessKey: string
  flowName: string
  state: string
}

export async function runsFor(h: Harness, businessKey: string): Promise<RunView[]> {
  const query = new URLSearchParams({ businessKey })
  return (await getJson<{ runs: RunView[] }>(`${h.hub.url}/api/v1/runs?${query.toString()}`)).runs
}

/** Sales orders NetSuite applied for a Shopify order id (from the simulator's effects ledger). */
export function salesOrderEffects(h: Harness, orderId: string): number {
  return h.sandbox.netsuite
    .ledger()
    .effects.filter(
      (e) => e.recordType === 'salesOrder' && e.businessKey === `SHOPIFY-O-${orderId}`,
    )
    .reduce((total, e) => total + e.creates, 0)
}

/** Every write NetSuite applied so far, over all records. */
export function netsuiteWrites(h: Harness): number {
  return h.sandbox.netsuite.ledger().effects.reduce((total, e) => total + e.writes, 0)
}

/**
 * A realistic order body as the simulator serialises it, re-keyed to `orderId` (digits, kept as
 * exact JSON digits). The simulator also delivers the template order itself; that is harmless.
 */
export function orderTemplate(h: Harness): string {
  const [templateId] = h.sandbox.shopify.generateOrders({ count: 1 }).orderIds
  const json = templateId === undefined ? undefined : h.sandbox.shopify.orderJson(templateId)
  if (json === undefined) throw new Error('the Shopify simulator generated no order')
  return json
}

export function orderBody(template: string, orderId: string): string {
  if (!/^\d+$/.test(orderId)) throw new Error(`order id must be digits, got ${orderId}`)
  const body = template
    .replace(/^\{"id":\d+,/, `{"id":${orderId},`)
    .replace(/gid:\/\/shopify\/Order\/\d+/, `gid://shopify/Order/${orderId}`)
  if (!body.startsWith(`{"id":${orderId},`)) throw new Error('order template has no leading id')
  return body
}

/** Fresh order ids above 2^53, unique per call within a process. */
let nextOrderSuffix = 0
export function freshOrderId(prefix = '71'): string {
  nextOrderSuffix += 1
  const suffix = `${Date.now() % 1_000_000_000}${String(nextOrderSuffix).padStart(4, '0')}`
  return `${prefix}${suffix}`.padEnd(18, '0').slice(0, 19)
}
