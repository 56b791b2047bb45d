/** @module connectors/shopify/shopify-error-table — every way a Shopify call fails, as rows: the condition, the hub's error type, and an example classified by the real code. */
// One row per rule of the REST classifier (SHOPIFY_RESPONSE_RULES), of the network and unreadable-
// body rules, of the GraphQL classifier (SHOPIFY_GRAPHQL_RULES), and of the two decisions the
// fulfillment and inventory writes make themselves. Each example runs the code path it documents.
import type { ErrorType } from '../../errors/hub-error.ts'
import { HubError } from '../../errors/hub-error.ts'
import { HttpTransportError } from '../wire/http-exchange.ts'
import type { HttpExchangeResponse } from '../wire/http-exchange.ts'
import { classifyShopifyNetworkError, classifyShopifyResponse } from './shopify-error-classifier.ts'
import type { ShopifyCallContext } from './shopify-error-classifier.ts'
import { planFulfillment } from './shopify-fulfillment-client.ts'
import { classifyShopifyGraphql, userErrorsOf } from './shopify-graphql-errors.ts'
import { inventoryUserErrors } from './shopify-inventory-client.ts'
import { parseSuccessBody } from './shopify-rest.ts'

export interface ShopifyErrorRow {
  id: string
  when: string
  type: ErrorType
  example(): HubError
}

const read: ShopifyCallContext = { label: 'GET /orders/1.json', idempotent: true, nowMs: 0 }
const create: ShopifyCallContext = { label: 'POST /fulfillments.json', idempotent: false, nowMs: 0 }
const query: ShopifyCallContext = { label: 'POST /graphql.json Order', idempotent: true, nowMs: 0 }
const mutation: ShopifyCallContext = {
  ...query,
  label: 'POST /graphql.json Ship',
  idempotent: false,
}

const response = (
  status: number,
  body: string,
  headers: Record<string, string> = {},
): HttpExchangeResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body,
})
const transport = (code: string, timedOut = false): HttpTransportError =>
  new HttpTransportError(`request failed: ${code}`, {
    code,
    timedOut,
    abortedByCaller: false,
    cause: Object.assign(new Error(code), { code }),
  })
const edge = (status: number): string =>
  `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`
const gqlError = (code: string, message: string, cost?: unknown): unknown => ({
  errors: [{ message, extensions: { code } }],
  ...(cost === undefined ? {} : { extensions: { cost } }),
})
/** Runs `fn`, which must throw a HubError, and returns it. */
function thrown(fn: () => unknown): HubError {
  try {
    fn()
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('expected the example to throw a HubError')
}
const orNever = (error: HubError | null): HubError => {
  if (error === null) throw new Error('expected the example to classify as an error')
  return error
}

export const SHOPIFY_ERROR_TABLE: readonly ShopifyErrorRow[] = [
  {
    id: 'rest-429',
    when: 'REST 429 Too Many Requests: the leaky bucket is full (`Retry-After` seconds, else 1 s)',
    type: 'throttled',
    example: () =>
      classifyShopifyResponse(
        response(429, '{"errors":"Exceeded 2 calls per second for api client."}', {
          'retry-after': '2.0',
        }),
        read,
      ),
  },
  {
    id: 'rest-auth',
    when: 'REST 401 / 403 (token revoked, app uninstalled, scope missing), 402 / 423 (shop frozen or locked)',
    type: 'auth',
    example: () =>
      classifyShopifyResponse(
        response(
          401,
          '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}',
        ),
        read,
      ),
  },
  {
    id: 'rest-409',
    when: 'REST 409 Conflict',
    type: 'conflict',
    example: () => classifyShopifyResponse(response(409, '{"errors":"Conflict"}'), create),
  },
  {
    id: 'rest-4xx',
    when: 'REST 422 and other 4xx (message and first field from `errors`), e.g. an over-fulfilment the in-doubt read did not explain',
    type: 'validation',
    example: () =>
      classifyShopifyResponse(
        response(422, '{"errors":["Invalid fulfillment order line item quantity requested."]}'),
        create,
      ),
  },
  {
    id: 'rest-503',
    when: 'REST 503 (maintenance, edge page): nothing was applied',
    type: 'retryable',
    example: () =>
      classifyShopifyResponse(response(503, edge(503), { 'content-type': 'text/html' }), create),
  },
  {
    id: 'rest-5xx-read',
    when: 'REST other 5xx on a repeat-safe call (GET, an absolute inventory set)',
    type: 'retryable',
    example: () =>
      classifyShopifyResponse(response(500, '{"errors":"Internal Server Error"}'), read),
  },
  {
    id: 'rest-5xx-create',
    when: 'REST other 5xx on a create (POST): it may have been applied',
    type: 'unknown_outcome',
    example: () =>
      classifyShopifyResponse(response(502, edge(502), { 'content-type': 'text/html' }), create),
  },
  {
    id: 'network-not-sent',
    when: 'connection refused, DNS failure or connect timeout: the request never left',
    type: 'retryable',
    example: () => classifyShopifyNetworkError(transport('ECONNREFUSED'), create),
  },
  {
    id: 'network-create',
    when: 'connection reset, dropped or timed out after a create was sent',
    type: 'unknown_outcome',
    example: () => classifyShopifyNetworkError(transport('UND_ERR_SOCKET'), create),
  },
  {
    id: 'network-read',
    when: 'any network failure on a repeat-safe call',
    type: 'retryable',
    example: () => classifyShopifyNetworkError(transport('UND_ERR_HEADERS_TIMEOUT', true), read),
  },
  {
    id: 'malformed-create',
    when: 'a 2xx to a create whose body cannot be read: it happened, its echo is lost',
    type: 'unknown_outcome',
    example: () =>
      thrown(() => parseSuccessBody(response(201, '{"fulfillment":{"id":2558'), create)),
  },
  {
    id: 'malformed-read',
    when: 'a 2xx to a read whose body cannot be read',
    type: 'retryable',
    example: () => thrown(() => parseSuccessBody(response(200, '{"order":{"id":8209'), read)),
  },
  {
    id: 'graphql-throttled',
    when: 'GraphQL `THROTTLED` (HTTP 200): wait (requestedQueryCost − currentlyAvailable) ÷ restoreRate',
    type: 'throttled',
    example: () =>
      orNever(
        classifyShopifyGraphql(
          gqlError('THROTTLED', 'Throttled', {
            requestedQueryCost: 752,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 152, restoreRate: 100 },
          }),
          query,
        ),
      ),
  },
  {
    id: 'graphql-access-denied',
    when: 'GraphQL `ACCESS_DENIED`: the app lacks the scope',
    type: 'auth',
    example: () =>
      orNever(
        classifyShopifyGraphql(
          gqlError('ACCESS_DENIED', 'Access denied for inventoryItems field.'),
          query,
        ),
      ),
  },
  {
    id: 'graphql-internal-query',
    when: 'GraphQL `INTERNAL_SERVER_ERROR` on a query',
    type: 'retryable',
    example: () =>
      orNever(classifyShopifyGraphql(gqlError('INTERNAL_SERVER_ERROR', 'Internal error.'), query)),
  },
  {
    id: 'graphql-internal-mutation',
    when: 'GraphQL `INTERNAL_SERVER_ERROR` on a mutation: it may have been applied',
    type: 'unknown_outcome',
    example: () =>
      orNever(
        classifyShopifyGraphql(gqlError('INTERNAL_SERVER_ERROR', 'Internal error.'), mutation),
      ),
  },
  {
    id: 'graphql-invalid',
    when: 'GraphQL `MAX_COST_EXCEEDED` (over 1,000 points), syntax error, unknown field, bad argument or variable',
    type: 'validation',
    example: () =>
      orNever(
        classifyShopifyGraphql(
          gqlError(
            'MAX_COST_EXCEEDED',
            'Query cost is 1502, which exceeds the single query max cost limit (1000).',
          ),
          query,
        ),
      ),
  },
  {
    id: 'graphql-user-errors',
    when: 'a mutation payload with `userErrors` (bad input, unknown item or location)',
    type: 'validation',
    example: () =>
      orNever(
        userErrorsOf(
          {
            userErrors: [
              {
                field: ['input', 'reason'],
                message: 'The specified reason is invalid.',
                code: 'INVALID_REASON',
              },
            ],
          },
          'inventorySetQuantities',
        ),
      ),
  },
  {
    id: 'inventory-compare-stale',
    when: '`inventorySetQuantities` userError `COMPARE_QUANTITY_STALE`: the stock moved since it was read',
    type: 'conflict',
    example: () =>
      orNever(
        inventoryUserErrors({
          userErrors: [
            {
              field: ['input', 'quantities', '0', 'compareQuantity'],
              message: 'The compareQuantity argument no longer matches the persisted quantity.',
              code: 'COMPARE_QUANTITY_STALE',
            },
          ],
        }),
      ),
  },
  {
    id: 'fulfillment-nothing-left',
    when: 'a fulfillment whose lines are no longer open and that no fulfillment with its tracking number explains: someone else shipped them',
    type: 'validation',
    example: () =>
      thrown(() =>
        planFulfillment(
          { orderId: '820982911946154508', key: 'shp-1', trackingNumbers: ['1Z999'] },
          [
            {
              id: '1046000778000000001',
              status: 'closed',
              assigned_location_id: '655441491',
              line_items: [
                {
                  id: '1058737482000000003',
                  line_item_id: '866550311766439020',
                  fulfillable_quantity: 0,
                },
              ],
            },
          ],
        ),
      ),
  },
]
