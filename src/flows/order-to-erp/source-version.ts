/** @module flows/order-to-erp/source-version — a source's version string as the ordinal the version guard compares. */

/**
 * Shopify's `updated_at` (an ISO instant) as epoch ms. Undefined when there is none or it is not
 * an instant: then nothing is guarded, as before versions were known.
 */
export function sourceVersionOrdinal(version: unknown): number | undefined {
  if (typeof version !== 'string') return undefined
  const ms = Date.parse(version)
  return Number.isNaN(ms) ? undefined : ms
}
