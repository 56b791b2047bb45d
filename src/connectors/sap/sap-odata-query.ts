/** @module connectors/sap/sap-odata-query — a paged OData query: $filter, $select, $expand, $orderby, then $top/$skip or the server's `__next`. */
import type { SapClient, SapCall } from './sap-client.ts'
import { feedOf } from './sap-odata-json.ts'
import type { ODataEntity } from './sap-odata-json.ts'
import type { SapService } from './sap-odata-path.ts'

/** A query that pages past this is looping (a server repeating its `__next`), not reading. */
const MAX_PAGES = 1_000

export interface SapQuery {
  filter?: string
  select?: readonly string[]
  expand?: readonly string[]
  /** Keep `$skip` paging stable: order by the key. */
  orderby?: string
  /** Stop after this many entities. */
  limit?: number
}

/** Every entity of `set` matching `query`, read page by page. */
export async function queryEntities(
  client: SapClient,
  service: SapService,
  set: string,
  query: SapQuery,
  signal?: AbortSignal,
): Promise<ODataEntity[]> {
  const base = {
    $filter: query.filter,
    $select: query.select?.join(','),
    $expand: query.expand?.join(','),
    $orderby: query.orderby,
  }
  const found: ODataEntity[] = []
  let params: Record<string, string | undefined> = base
  // Once the server pages (`__next`), it alone says when the feed ends.
  let serverPaging = false
  for (let page = 0; page < MAX_PAGES; page++) {
    const room = query.limit === undefined ? client.pageSize : query.limit - found.length
    const top = Math.min(client.pageSize, room)
    if (top <= 0) break
    const call: SapCall = {
      method: 'GET',
      service,
      path: set,
      operation: 'read',
      query: { ...params, $top: String(top) },
      signal,
    }
    const response = await client.send(call)
    client.expectSuccess(call, response)
    const feed = feedOf(client.json(call, response))
    if (feed === undefined) throw client.malformed(call, response, 'the body is not a feed')
    found.push(...feed.results)
    if (feed.next !== undefined) {
      // Only the paging state is taken from `__next`; the host and path stay ours.
      const next = new URL(feed.next, 'http://next.invalid').searchParams
      const skiptoken = next.get('$skiptoken') ?? undefined
      const skip = next.get('$skip') ?? undefined
      if (skiptoken === undefined && skip === undefined) break
      params =
        skiptoken === undefined ? { ...base, $skip: skip } : { ...base, $skiptoken: skiptoken }
      serverPaging = true
      continue
    }
    if (serverPaging || feed.results.length < top) break
    params = { ...base, $skip: String(found.length) }
  }
  return found
}
