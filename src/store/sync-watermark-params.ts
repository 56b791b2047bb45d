/** @module store/sync-watermark-params — echo-suppression watermarks: what the hub last wrote to a system for an entity. */

/** Names one entity in one system, e.g. (`netsuite`, `SALESFORCE-C-001…`). */
export interface SyncWatermarkKey {
  tenantId: string
  system: string
  entityKey: string
}

/** The content the hub last wrote, as hashes (the values themselves are never kept). */
export interface SyncWatermark {
  system: string
  entityKey: string
  /** The hash of every written field together (`policies/echo-watermark.ts`). */
  contentHash: string
  /** Field name → hash of the value written, to recognise an echo of some of the fields. */
  fieldHashes: Record<string, string>
  /** The source version the written values came from, when known (epoch ms). */
  sourceVersion: number | null
  writtenAt: number
}

export interface SyncWatermarkPutParams extends SyncWatermarkKey {
  contentHash: string
  fieldHashes: Record<string, string>
  sourceVersion: number | null
  now: number
}
