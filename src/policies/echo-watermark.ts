/** @module policies/echo-watermark — content-hash watermarks: recognising the hub's own write when it comes back as a change.
 *
 * Before the hub writes fields to a system it records their hashes (the watermark). A change that
 * later arrives from that system and whose every changed field still holds the value the hub
 * wrote is the hub's write coming back (an echo), and is dropped, so a two-way sync never loops.
 * A change to any field with a value the hub did not write is a real change and passes.
 */
import { createHash } from 'node:crypto'

/** Field values as the hub compares them: canonical names, JSON values. */
export type FieldValues = Readonly<Record<string, unknown>>

export interface Watermark {
  contentHash: string
  fieldHashes: Record<string, string>
}

/**
 * JSON with object keys sorted, and numbers and numeric strings made alike ("50000.00" and 50000
 * are one value), so two systems' spellings of one value hash the same; empty means null.
 */
export function stableValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'null'
  if (typeof value === 'number') return JSON.stringify(normalNumber(String(value)))
  if (typeof value === 'string') {
    const trimmed = value.trim()
    return JSON.stringify(/^-?\d+(\.\d+)?$/.test(trimmed) ? normalNumber(trimmed) : trimmed)
  }
  if (Array.isArray(value)) return `[${value.map(stableValue).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableValue(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function normalNumber(text: string): string {
  const [int = '0', frac = ''] = text.split('.')
  const trimmedFrac = frac.replace(/0+$/, '')
  const trimmedInt = int.replace(/^(-?)0+(?=\d)/, '$1')
  return `#${trimmedInt}${trimmedFrac === '' ? '' : `.${trimmedFrac}`}`
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

export function hashValue(value: unknown): string {
  return sha256(stableValue(value)).slice(0, 32)
}

/** The watermark of writing `fields` to a system. */
export function watermarkOf(fields: FieldValues): Watermark {
  const fieldHashes: Record<string, string> = {}
  for (const [name, value] of Object.entries(fields)) fieldHashes[name] = hashValue(value)
  return { contentHash: sha256(stableValue(fields)), fieldHashes }
}

/**
 * True when every field of `change` holds what the hub last wrote (`watermark`): the change is
 * the hub's own write coming back. An empty change is no echo (there is nothing to recognise).
 */
export function isEcho(change: FieldValues, watermark: Watermark | null): boolean {
  if (watermark === null) return false
  const names = Object.keys(change)
  if (names.length === 0) return false
  return names.every((name) => watermark.fieldHashes[name] === hashValue(change[name]))
}

/**
 * The fields of `values` that differ from what the hub last wrote there. A field the hub never
 * wrote counts as changed only when it has a value: an empty field the hub knows nothing of is
 * no news. `writtenOnly` limits the answer to fields the hub wrote (nothing when it wrote none).
 */
export function changedSince(
  values: FieldValues,
  watermark: Watermark | null,
  options: { writtenOnly?: boolean } = {},
): string[] {
  return Object.keys(values).filter((name) => {
    const written = watermark?.fieldHashes[name]
    if (written === undefined) {
      return options.writtenOnly !== true && hashValue(values[name]) !== hashValue(null)
    }
    return written !== hashValue(values[name])
  })
}
