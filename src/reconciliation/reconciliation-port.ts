/** @module reconciliation/reconciliation-port — what a system must offer to be reconciled: paged digests, a count, and a read of chosen keys. */

/** The fields compared for one key: numbers compare within a tolerance, the rest exactly. */
export type ComparableFields = Readonly<Record<string, number | string | boolean | null>>

/** One entity as a side reports it. */
export interface ReconRecord {
  /** The key both sides agree on, e.g. `SKU-1@WH-EAST`. */
  readonly key: string
  readonly fields: ComparableFields
}

/** A key and the hash of its comparable fields (see `fieldHash`). */
export interface RecordDigest {
  readonly key: string
  readonly hash: string
}

/**
 * A system as reconciliation sees it. Every call stays within `maxPageSize`, the most the system's
 * API serves in one request (3PL 200 rows, SuiteQL 1000, Shopify 250), so a large domain is read
 * in pages and never in one unbounded request.
 */
export interface ReconciliationSide {
  /** The system's name, e.g. `threepl`. */
  readonly system: string
  readonly maxPageSize: number
  /** How many entities the side holds in scope (the cheap first check). */
  count(signal: AbortSignal): Promise<number>
  /** Every key with its field hash, page by page, each page at most `pageSize` long. */
  digests(pageSize: number, signal: AbortSignal): AsyncIterable<readonly RecordDigest[]>
  /**
   * The full records of `keys` (at most `maxPageSize` of them), read now: the confirming read of
   * the keys whose hashes differed. A key the side no longer has is left out.
   */
  fetch(keys: readonly string[], signal: AbortSignal): Promise<ReconRecord[]>
}
