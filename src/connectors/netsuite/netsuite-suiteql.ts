/** @module connectors/netsuite/netsuite-suiteql — SuiteQL queries paged to the end: Prefer: transient, at most 1000 rows a page, NetSuite's 100,000-row cap reported, not hit silently. */
import { HubError } from '../../errors/hub-error.ts'
import type { NetSuiteHttp } from './netsuite-http.ts'

export const SUITEQL_PATH = '/services/rest/query/v1/suiteql'
/** NetSuite's largest page. */
export const SUITEQL_MAX_PAGE_SIZE = 1000
/** NetSuite serves at most this many rows of one query, however it is paged. */
export const SUITEQL_MAX_RESULTS = 100_000

/** A result row: lower-case column names, values as NetSuite sends them (strings; nulls left out). */
export type SuiteQlRow = Record<string, unknown>

export interface SuiteQlOptions {
  signal?: AbortSignal
  /** Rows per request, 1–1000; default 1000. */
  pageSize?: number
}

/**
 * Yields each page's rows until NetSuite says `hasMore: false`. A query whose rows run past
 * 100,000 fails as validation instead of quietly stopping there: page such a query by key range
 * (`WHERE id > :last ORDER BY id`), which also keeps the order unique, as paging requires.
 */
export async function* suiteqlPages(
  http: NetSuiteHttp,
  query: string,
  options: SuiteQlOptions = {},
): AsyncGenerator<SuiteQlRow[], void, undefined> {
  const limit = options.pageSize ?? SUITEQL_MAX_PAGE_SIZE
  if (!Number.isInteger(limit) || limit < 1 || limit > SUITEQL_MAX_PAGE_SIZE) {
    throw HubError.validation(
      `a SuiteQL page holds 1–${SUITEQL_MAX_PAGE_SIZE} rows, not ${limit}`,
      { code: 'INVALID_PAGE_SIZE' },
    )
  }
  if (query.trim() === '') {
    throw HubError.validation('a SuiteQL query is empty', { code: 'INVALID_QUERY' })
  }
  for (let offset = 0; ; offset += limit) {
    if (offset >= SUITEQL_MAX_RESULTS) {
      throw HubError.validation(
        `the SuiteQL query matches more than ${SUITEQL_MAX_RESULTS} rows, NetSuite's cap per query: page it by key range (WHERE id > :last ORDER BY id)`,
        { code: 'SUITEQL_RESULT_CAP' },
      )
    }
    const path = `${SUITEQL_PATH}?limit=${limit}&offset=${offset}`
    const label = `POST ${path}`
    const response = await http.send({
      method: 'POST',
      path,
      operation: 'read',
      body: { q: query },
      headers: { prefer: 'transient' },
      signal: options.signal,
    })
    http.expectStatus(response, 'read', label)
    const page = http.json(response, 'read', label)
    const { items, hasMore } = page
    if (!Array.isArray(items) || typeof hasMore !== 'boolean') {
      throw http.malformed('read', response.status, label, 'the body has no items or hasMore')
    }
    if (hasMore && items.length === 0) {
      // Asking again would get the same empty page: stop rather than loop.
      throw http.malformed('read', response.status, label, 'hasMore is true on an empty page')
    }
    yield items.map(rowOf)
    if (!hasMore) return
  }
}

/** Every row of the query, in order. */
export async function* suiteqlRows(
  http: NetSuiteHttp,
  query: string,
  options: SuiteQlOptions = {},
): AsyncGenerator<SuiteQlRow, void, undefined> {
  for await (const page of suiteqlPages(http, query, options)) yield* page
}

function rowOf(item: unknown): SuiteQlRow {
  if (typeof item !== 'object' || item === null) return {}
  const { links: _links, ...row } = item as Record<string, unknown>
  return row
}

/** A SuiteQL string literal: quotes doubled, so a value cannot end the string early. */
export function suiteqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}
