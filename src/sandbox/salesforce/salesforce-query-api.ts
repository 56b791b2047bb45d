/** @module sandbox/salesforce/salesforce-query-api — GET query/queryAll: batches of 2,000 (or Sforce-Query-Options batchSize), query locators that page a snapshot and expire after 15 idle minutes. */

import type { SimResponse } from '../kit/sim-response.ts'
import { sfError, sfJson } from './salesforce-errors.ts'
import { KEY_PREFIXES, makeId } from './salesforce-ids.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import { runSoql } from './salesforce-soql-eval.ts'
import { parseSoql, SoqlError } from './salesforce-soql-parser.ts'

const DEFAULT_BATCH = 2000
const MIN_BATCH = 200
const CURSOR_IDLE_MS = 15 * 60 * 1000
/** A user may hold 10 open cursors; opening an eleventh closes the oldest. */
const CURSORS_PER_USER = 10

interface Cursor {
  readonly userId: string
  readonly rows: readonly Record<string, unknown>[]
  readonly batchSize: number
  lastUsedAt: number
}

export class QueryCursors {
  readonly #now: () => number
  #cursors = new Map<string, Cursor>()
  #counter = 0

  constructor(now: () => number) {
    this.#now = now
  }

  open(userId: string, rows: readonly Record<string, unknown>[], batchSize: number): string {
    this.#expire()
    const mine = [...this.#cursors].filter(([, c]) => c.userId === userId)
    if (mine.length >= CURSORS_PER_USER) {
      const oldest = mine.sort((a, b) => a[1].lastUsedAt - b[1].lastUsedAt)[0]
      if (oldest) this.#cursors.delete(oldest[0])
    }
    this.#counter += 1
    const id = makeId(KEY_PREFIXES.QueryLocator, this.#counter, 'RO')
    this.#cursors.set(id, { userId, rows, batchSize, lastUsedAt: this.#now() })
    return id
  }

  get(id: string): Cursor | undefined {
    this.#expire()
    const cursor = this.#cursors.get(id)
    if (cursor) cursor.lastUsedAt = this.#now()
    return cursor
  }

  clear(): void {
    this.#cursors = new Map()
  }

  #expire(): void {
    const cutoff = this.#now() - CURSOR_IDLE_MS
    for (const [id, c] of this.#cursors) if (c.lastUsedAt < cutoff) this.#cursors.delete(id)
  }
}

/** `Sforce-Query-Options: batchSize=n` is a request, not a promise: kept within 200..2000. */
export function batchSizeOf(header: string | undefined): number | null {
  const m = /batchSize\s*=\s*(\d+)/i.exec(header ?? '')
  if (!m?.[1]) return null
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(m[1])))
}

function page(
  call: RestCall,
  locator: string,
  rows: readonly Record<string, unknown>[],
  from: number,
  batchSize: number,
): SimResponse {
  const end = Math.min(rows.length, from + batchSize)
  const done = end >= rows.length
  return sfJson(200, {
    totalSize: rows.length,
    done,
    ...(done ? {} : { nextRecordsUrl: `/services/data/v${call.version}/query/${locator}-${end}` }),
    records: rows.slice(from, end),
  })
}

/** GET /query?q=, /queryAll?q=, and /query/{locator}-{offset}. */
export function handleQuery(deps: RestDeps, cursors: QueryCursors, call: RestCall): SimResponse {
  const [resource, locatorText, ...extra] = call.segments
  if (call.method !== 'GET') {
    return sfJson(
      405,
      [
        {
          message: `HTTP Method '${call.method}' not allowed. Allowed are GET,HEAD`,
          errorCode: 'METHOD_NOT_ALLOWED',
        },
      ],
      { allow: 'GET,HEAD' },
    )
  }
  const batchSize = batchSizeOf(call.headers['sforce-query-options'])
  if (locatorText !== undefined) {
    const m = /^([a-zA-Z0-9]{18})-(\d+)$/.exec(locatorText)
    const cursor = m?.[1] === undefined || extra.length > 0 ? undefined : cursors.get(m[1])
    if (!m?.[1] || !cursor || cursor.userId !== call.userId) {
      return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')
    }
    return page(call, m[1], cursor.rows, Number(m[2]), batchSize ?? cursor.batchSize)
  }
  const soql = call.query.get('q')
  if (soql === null || soql.trim() === '') {
    return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
  }
  try {
    const run = runSoql(
      deps.schema,
      deps.store,
      soql,
      parseSoql(soql),
      call.version,
      resource === 'queryAll',
    )
    if (run.count) return sfJson(200, { totalSize: run.rows.length, done: true, records: [] })
    const size = batchSize ?? DEFAULT_BATCH
    if (run.rows.length <= size) return page(call, '', run.rows, 0, size)
    return page(call, cursors.open(call.userId, run.rows, size), run.rows, 0, size)
  } catch (error) {
    if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message)
    throw error
  }
}
