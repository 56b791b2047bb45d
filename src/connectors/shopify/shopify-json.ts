/** @module connectors/shopify/shopify-json — parses Shopify JSON without losing int64 ids or trusting its shape. */
import { parseUntrustedJson, DEFAULT_MAX_JSON_DEPTH } from '../wire/untrusted-json.ts'

export const SHOPIFY_JSON_MAX_DEPTH = DEFAULT_MAX_JSON_DEPTH

/** `id`, `customer_id`, `variant_id`…: Shopify ids are int64, so they are always kept as exact strings. */
function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id')
}

/**
 * Parses a Shopify body (webhook or Admin API). Integers beyond 2^53 and any number a JS number
 * cannot hold exactly become exact decimal strings; every id becomes a string, however small.
 * Throws HubError.validation for invalid UTF-8 or JSON, nesting deeper than 64, or a
 * `__proto__` / `constructor` / `prototype` key.
 */
export function parseShopifyJson(body: string | Uint8Array, source = 'Shopify JSON body'): unknown {
  return parseUntrustedJson(body, {
    source,
    maxDepth: SHOPIFY_JSON_MAX_DEPTH,
    // Only numbers a JS number holds exactly reach here (the rest are strings already), so String() is exact.
    transform: (key, value) => (typeof value === 'number' && isIdKey(key) ? String(value) : value),
  })
}
