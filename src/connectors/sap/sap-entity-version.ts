/** @module connectors/sap/sap-entity-version — an entity's version as SAP states it (the ETag's change timestamp), as the number the engine's version guard compares, and a content fingerprint. Pure. */
import { createHash } from 'node:crypto'
import { etagInstant } from './sap-odata-json.ts'

export interface SapEntityVersion {
  /** The change timestamp the ETag carries, e.g. `2026-01-10T12:00:00.1230000Z`. */
  timestamp: string
  /**
   * The timestamp in 100 ns ticks since {@link SAP_VERSION_EPOCH}: grows with every change, for
   * the engine's numeric `entityVersion` guard. Undefined outside the range a JS number holds
   * exactly (1991–2048): then the application is not guarded rather than guarded wrongly.
   */
  ordinal: number | undefined
  /** The ETag as SAP sent it, for an If-Match by whoever writes back. */
  etag: string
}

/**
 * Where ordinals count from. SAP stamps changes with seven fraction digits (100 ns), and two
 * changes in one millisecond get distinct stamps; epoch milliseconds would give both the same
 * ordinal, and the guard would then skip the newer state as "already applied". Ticks since 1970
 * do not fit a JS number exactly (2^53 ticks is 28.5 years), ticks since 2020 do until 2048.
 */
export const SAP_VERSION_EPOCH = '2020-01-01T00:00:00Z'
const EPOCH_SECONDS = Date.parse(SAP_VERSION_EPOCH) / 1000

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})$/i

/** The version of an entity read with this ETag; undefined when the ETag is no change timestamp. */
export function sapEntityVersion(etag: string | undefined): SapEntityVersion | undefined {
  const timestamp = etagInstant(etag)
  if (etag === undefined || timestamp === undefined) return undefined
  return { timestamp, ordinal: sapVersionOrdinal(timestamp), etag }
}

/** `2026-01-10T12:00:00.1230001Z` → 100 ns ticks since SAP_VERSION_EPOCH, exactly, or undefined. */
export function sapVersionOrdinal(timestamp: string): number | undefined {
  const match = TIMESTAMP.exec(timestamp)
  if (match === null) return undefined
  const wholeMs = Date.parse(`${match[1] ?? ''}${match[3] ?? ''}`)
  if (Number.isNaN(wholeMs)) return undefined
  const ticks =
    (wholeMs / 1000 - EPOCH_SECONDS) * 10_000_000 + Number((match[2] ?? '').padEnd(7, '0'))
  return Number.isSafeInteger(ticks) ? ticks : undefined
}

/**
 * SHA-256 of the mapped entity without its version, keys sorted: a save that changed nothing
 * moves the ETag (a new version) but leaves this as it was, so a caller can tell a no-op change.
 */
export function contentFingerprint<T extends { source: object }>(mapped: T): string {
  const { source, ...rest } = mapped
  const { version: _version, ...identity } = source as Record<string, unknown>
  return createHash('sha256')
    .update(stableJson({ ...rest, source: identity }))
    .digest('hex')
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}
