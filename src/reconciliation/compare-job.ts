/** @module reconciliation/compare-job — one source against one target: counts, then key sets, then field hashes, then a confirming read of the keys that differ. */
import type { BreakClass, JsonValue, NewBreak } from '../store/store-contract.ts'
import type { ReconciliationSide, ReconRecord } from './reconciliation-port.ts'
import { fieldsOutsideTolerance, type ToleranceRule } from './tolerance-rules.ts'

export interface CompareOptions {
  source: ReconciliationSide
  target: ReconciliationSide
  tolerance: readonly ToleranceRule[]
  /** Rows per request; capped at each side's `maxPageSize`. Default: the smaller of the two. */
  pageSize?: number
  signal: AbortSignal
}

export interface CompareStats {
  sourceCount: number
  targetCount: number
  /** Keys both sides hold once each. */
  keysInBoth: number
  /** Of those, keys whose hashes differed and were read in full. */
  hashMismatches: number
  /** Hash mismatches the confirming read found within tolerance (or already agreeing again). */
  withinTolerance: number
  /** Requests for digests and for full records, per side. */
  pages: { source: number; target: number }
  fetches: { source: number; target: number }
  breaks: Record<BreakClass, number>
}

export interface CompareResult {
  stats: CompareStats
  breaks: NewBreak[]
}

interface Seen {
  hash: string
  times: number
}

/** Reads every digest of `side`; a key seen twice is kept with its count (a duplicate). */
async function collect(
  side: ReconciliationSide,
  pageSize: number,
  signal: AbortSignal,
): Promise<{ seen: Map<string, Seen>; pages: number }> {
  const seen = new Map<string, Seen>()
  let pages = 0
  for await (const page of side.digests(pageSize, signal)) {
    pages += 1
    if (page.length > pageSize) {
      throw new Error(
        `${side.system} returned ${page.length} digests in a page of at most ${pageSize}: its adapter must page`,
      )
    }
    for (const d of page) {
      const found = seen.get(d.key)
      if (found) found.times += 1
      else seen.set(d.key, { hash: d.hash, times: 1 })
    }
  }
  return { seen, pages }
}

/** The full records of `keys`, in requests of at most `pageSize` keys. */
async function fetchAll(
  side: ReconciliationSide,
  keys: readonly string[],
  pageSize: number,
  signal: AbortSignal,
): Promise<{ records: Map<string, ReconRecord>; requests: number }> {
  const records = new Map<string, ReconRecord>()
  let requests = 0
  for (let i = 0; i < keys.length; i += pageSize) {
    requests += 1
    for (const r of await side.fetch(keys.slice(i, i + pageSize), signal)) records.set(r.key, r)
  }
  return { records, requests }
}

const fieldsJson = (r: ReconRecord | undefined): JsonValue => (r ? { ...r.fields } : null)

export async function compareSides(options: CompareOptions): Promise<CompareResult> {
  const { source, target, tolerance, signal } = options
  const limit = Math.min(source.maxPageSize, target.maxPageSize)
  const pageSize = Math.max(1, Math.min(options.pageSize ?? limit, limit))
  const [sourceCount, targetCount] = await Promise.all([source.count(signal), target.count(signal)])
  const [s, t] = await Promise.all([
    collect(source, pageSize, signal),
    collect(target, pageSize, signal),
  ])

  const breaks: NewBreak[] = []
  const suspects: string[] = []
  const dup = (key: string, where: string, times: number): NewBreak => ({
    entityKey: key,
    breakClass: 'duplicate',
    cause: `duplicate_in_${where}`,
    sourceValue: where === 'source' ? { times } : null,
    targetValue: where === 'target' ? { times } : null,
    diff: null,
  })
  const missingInTarget: string[] = []
  let keysInBoth = 0
  for (const [key, seen] of s.seen) {
    const other = t.seen.get(key)
    if (seen.times > 1) breaks.push(dup(key, 'source', seen.times))
    else if (other && other.times > 1) {
      continue
    } // reported below, once, as the target's
    else if (!other) missingInTarget.push(key)
    else {
      keysInBoth += 1
      if (other.hash !== seen.hash) suspects.push(key)
    }
  }
  const missingInSource: string[] = []
  for (const [key, seen] of t.seen) {
    // A key duplicated on both sides is one break (one row per run and key), the source's.
    if (seen.times > 1) {
      if ((s.seen.get(key)?.times ?? 0) <= 1) breaks.push(dup(key, 'target', seen.times))
    } else if (!s.seen.has(key)) missingInSource.push(key)
  }

  // One confirming read per side of just the keys that differ: a difference that was an event
  // still in flight when the digests were read is gone by now and is not reported.
  const [sf, tf] = await Promise.all([
    fetchAll(source, [...suspects, ...missingInTarget], pageSize, signal),
    fetchAll(target, [...suspects, ...missingInSource], pageSize, signal),
  ])
  let withinTolerance = 0
  for (const key of suspects) {
    const a = sf.records.get(key)
    const b = tf.records.get(key)
    if (!a || !b) {
      // Deleted between the two reads: the next run sees it as missing, on fresh numbers.
      withinTolerance += 1
      continue
    }
    const diffs = fieldsOutsideTolerance(a.fields, b.fields, tolerance)
    const first = diffs[0]
    if (!first) {
      withinTolerance += 1
      continue
    }
    const distances = diffs.flatMap((d) => (d.distance === null ? [] : [d.distance]))
    breaks.push({
      entityKey: key,
      breakClass: 'field_mismatch',
      cause: `mismatch:${first.field}`,
      sourceValue: fieldsJson(a),
      targetValue: fieldsJson(b),
      diff: distances.length > 0 ? Math.max(...distances) : null,
    })
  }
  for (const key of missingInTarget) {
    const a = sf.records.get(key)
    if (!a) continue // gone from the source too since the digests were read
    breaks.push({
      entityKey: key,
      breakClass: 'missing_in_target',
      cause: 'missing_in_target',
      sourceValue: fieldsJson(a),
      targetValue: null,
      diff: null,
    })
  }
  for (const key of missingInSource) {
    const b = tf.records.get(key)
    if (!b) continue
    breaks.push({
      entityKey: key,
      breakClass: 'missing_in_source',
      cause: 'missing_in_source',
      sourceValue: null,
      targetValue: fieldsJson(b),
      diff: null,
    })
  }
  breaks.sort((x, y) => (x.entityKey < y.entityKey ? -1 : x.entityKey > y.entityKey ? 1 : 0))
  const byClass: Record<BreakClass, number> = {
    missing_in_target: 0,
    missing_in_source: 0,
    field_mismatch: 0,
    duplicate: 0,
  }
  for (const b of breaks) byClass[b.breakClass] += 1
  return {
    breaks,
    stats: {
      sourceCount,
      targetCount,
      keysInBoth,
      hashMismatches: suspects.length,
      withinTolerance,
      pages: { source: s.pages, target: t.pages },
      fetches: { source: sf.requests, target: tf.requests },
      breaks: byClass,
    },
  }
}
