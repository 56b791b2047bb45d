/** @module connectors/sap/sap-batch — many sales orders in one $batch, one atomic changeset each, every order's outcome recorded on its own. */
import type { HubError } from '../../errors/hub-error.ts'
import { parseUntrustedJson } from '../wire/untrusted-json.ts'
import { buildChangesetBatch, parseBatchAnswer } from './sap-batch-multipart.ts'
import type { BatchAnswer } from './sap-batch-multipart.ts'
import type { SapCall, SapClient } from './sap-client.ts'
import type { SapSalesOrderBody } from './sap-mapping.ts'
import { entityOf, etagOf, textOf } from './sap-odata-json.ts'
import { SALES_ORDER_SERVICE, alphaOut, eq } from './sap-odata-path.ts'
import { queryEntities } from './sap-odata-query.ts'

/** References per `$filter` of the existence query: keeps the URL well under Gateway's limits. */
const REFERENCES_PER_QUERY = 20

export type SapBatchOutcome =
  | { ok: true; salesOrder: string; etag: string | undefined; created: boolean }
  | { ok: false; error: HubError }

export interface SapBatchItemResult {
  /** The order's `PurchaseOrderByCustomer`. */
  reference: string
  outcome: SapBatchOutcome
}

/**
 * Creates the orders SAP does not hold yet. Existing ones are found first by
 * `PurchaseOrderByCustomer` (one query per 20 references), so a batch repeated after an unknown
 * outcome creates only what is still missing. Each new order is its own changeset: SAP commits or
 * rolls back each one alone and answers 202 either way, so one order's business error (V1/320…)
 * fails that order only and is reported with it. A failure of the whole `$batch` request (429,
 * 503, a dropped connection) throws, classified like any other write.
 */
export async function createSalesOrdersOnce(
  client: SapClient,
  bodies: readonly SapSalesOrderBody[],
  signal?: AbortSignal,
): Promise<SapBatchItemResult[]> {
  const references = [...new Set(bodies.map((b) => b.PurchaseOrderByCustomer))]
  const existing = await findSalesOrdersByReferences(client, references, signal)
  const missing = references.flatMap((reference) => {
    const body = bodies.find((b) => b.PurchaseOrderByCustomer === reference)
    return existing.has(reference) || body === undefined ? [] : [body]
  })
  const created = new Map<string, SapBatchOutcome>()
  if (missing.length > 0) {
    const outcomes = await sendChangesets(client, missing, signal)
    missing.forEach((body, index) => {
      const outcome = outcomes[index]
      if (outcome !== undefined) created.set(body.PurchaseOrderByCustomer, outcome)
    })
  }
  return bodies.map((body) => {
    const reference = body.PurchaseOrderByCustomer
    const found = existing.get(reference)
    const outcome: SapBatchOutcome =
      found !== undefined
        ? { ok: true, salesOrder: found.salesOrder, etag: found.etag, created: false }
        : (created.get(reference) ?? { ok: false, error: missingAnswer(client, reference) })
    return { reference, outcome }
  })
}

/** Reference → its oldest sales order, for every reference SAP holds. */
async function findSalesOrdersByReferences(
  client: SapClient,
  references: readonly string[],
  signal: AbortSignal | undefined,
): Promise<Map<string, { salesOrder: string; etag: string | undefined }>> {
  const found = new Map<string, { salesOrder: string; etag: string | undefined }>()
  for (let at = 0; at < references.length; at += REFERENCES_PER_QUERY) {
    const chunk = references.slice(at, at + REFERENCES_PER_QUERY)
    const entities = await queryEntities(
      client,
      SALES_ORDER_SERVICE,
      'A_SalesOrder',
      {
        filter: chunk.map((r) => eq('PurchaseOrderByCustomer', r)).join(' or '),
        select: ['SalesOrder', 'PurchaseOrderByCustomer'],
        orderby: 'SalesOrder',
      },
      signal,
    )
    for (const entity of entities) {
      const reference = textOf(entity, 'PurchaseOrderByCustomer')
      const id = textOf(entity, 'SalesOrder')
      if (reference === undefined || id === undefined || found.has(reference)) continue
      found.set(reference, { salesOrder: alphaOut(id), etag: etagOf({}, entity) })
    }
  }
  return found
}

async function sendChangesets(
  client: SapClient,
  bodies: readonly SapSalesOrderBody[],
  signal: AbortSignal | undefined,
): Promise<SapBatchOutcome[]> {
  const batch = buildChangesetBatch(
    bodies.map((body) => [{ method: 'POST', path: 'A_SalesOrder', body: JSON.stringify(body) }]),
  )
  const call: SapCall = {
    method: 'POST',
    service: SALES_ORDER_SERVICE,
    path: '$batch',
    operation: 'create',
    body: batch.body,
    headers: { 'content-type': batch.contentType, accept: 'multipart/mixed' },
    signal,
  }
  const response = await client.send(call)
  client.expectSuccess(call, response)
  const contentType = response.headers['content-type']
  const answers = parseBatchAnswer(
    Array.isArray(contentType) ? contentType.join(', ') : contentType,
    response.body,
  )
  if (answers === undefined || answers.length !== bodies.length) {
    // The changesets may have committed; the caller's next attempt queries before it resends.
    throw client.malformed(call, response, 'the multipart answer does not match the changesets')
  }
  return answers.map((answer, index) => outcomeOf(client, answer, index + 1))
}

function outcomeOf(client: SapClient, answer: BatchAnswer, item: number): SapBatchOutcome {
  const label = `POST A_SalesOrder (batch changeset ${item})`
  const response = answer.kind === 'changeset' ? answer.responses[0] : answer.response
  if (response === undefined || response.status < 200 || response.status > 299) {
    const failed = response ?? { status: 0, headers: {}, body: '' }
    return {
      ok: false,
      error: client.classify({ kind: 'response', operation: 'create', label, ...failed }),
    }
  }
  let parsed: unknown
  try {
    parsed = parseUntrustedJson(response.body, { source: `SAP ${label} response` })
  } catch (cause) {
    return { ok: false, error: unreadable(client, label, response.status, cause) }
  }
  const entity = entityOf(parsed)
  const id = entity === undefined ? undefined : textOf(entity, 'SalesOrder')
  if (entity === undefined || id === undefined) {
    return { ok: false, error: unreadable(client, label, response.status) }
  }
  return {
    ok: true,
    salesOrder: alphaOut(id),
    etag: etagOf(response.headers, entity),
    created: true,
  }
}

function unreadable(client: SapClient, label: string, status: number, cause?: unknown): HubError {
  return client.classify({
    kind: 'malformed_success',
    operation: 'create',
    status,
    reason: 'the changeset answer names no SalesOrder',
    label,
    ...(cause === undefined ? {} : { cause }),
  })
}

function missingAnswer(client: SapClient, reference: string): HubError {
  return client.classify({
    kind: 'malformed_success',
    operation: 'create',
    status: 202,
    reason: `the batch answer has nothing for ${reference}`,
    label: 'POST $batch',
  })
}
