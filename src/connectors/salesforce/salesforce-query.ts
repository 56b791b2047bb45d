/** @module connectors/salesforce/salesforce-query — SOQL through `GET /query`, page by page along `nextRecordsUrl`. */
import { checkedNextRecordsPath, dataPath } from './salesforce-paths.ts'
import type { SalesforceCall, SalesforceTransport } from './salesforce-transport.ts'

export interface QueryOptions {
  signal?: AbortSignal
  /** `Sforce-Query-Options: batchSize=n`; Salesforce keeps it within 200..2000 (its default). */
  batchSize?: number
  /** `queryAll`: rows in the recycle bin too. */
  includeDeleted?: boolean
}

export interface QueryPage {
  records: Record<string, unknown>[]
  /** Rows in the whole result, every page included. */
  totalSize: number
  /** Whether this is the last page. */
  done: boolean
}

/**
 * Yields every page of a query. A long result sits behind a query locator that idles out after
 * 15 minutes: a consumer that stops between pages for longer gets `INVALID_QUERY_LOCATOR`
 * (retryable: the query is run again from the start).
 */
export async function* queryPages(
  transport: SalesforceTransport,
  soql: string,
  options: QueryOptions = {},
): AsyncGenerator<QueryPage> {
  const resource = options.includeDeleted === true ? 'queryAll' : 'query'
  const headers =
    options.batchSize === undefined
      ? undefined
      : { 'sforce-query-options': `batchSize=${Math.trunc(options.batchSize)}` }
  let path: string | undefined =
    `${dataPath(transport.config.apiVersion)}/${resource}?q=${encodeURIComponent(soql)}`
  while (path !== undefined) {
    const call: SalesforceCall = {
      method: 'GET',
      path,
      operation: 'read',
      signal: options.signal,
      ...(headers === undefined ? {} : { headers }),
    }
    const response = await transport.send(call)
    transport.expect(response, call)
    const body = transport.object(response, call)
    const { records, totalSize, done, nextRecordsUrl } = body
    if (!Array.isArray(records) || typeof totalSize !== 'number' || typeof done !== 'boolean') {
      throw transport.malformed(response, call, 'the body lacks records, totalSize or done')
    }
    const rows = records.filter(
      (r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r),
    )
    yield { records: rows, totalSize, done }
    if (done) return
    path = typeof nextRecordsUrl === 'string' ? checkedNextRecordsPath(nextRecordsUrl) : undefined
    if (path === undefined) {
      throw transport.malformed(
        response,
        call,
        'done is false but nextRecordsUrl is missing or foreign',
      )
    }
  }
}
