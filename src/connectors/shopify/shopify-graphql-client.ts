/** @module connectors/shopify/shopify-graphql-client — GraphQL Admin calls that know their cost: the bucket each answer reports is kept, a call that cannot fit waits without being sent, THROTTLED is a timed throttle. */
import { HubError } from '../../errors/hub-error.ts'
import type { ShopifyCallContext } from './shopify-error-classifier.ts'
import { classifyShopifyGraphql, queryCostOf, waitForPointsMs } from './shopify-graphql-errors.ts'
import type { ShopifyQueryCost, ShopifyThrottleStatus } from './shopify-graphql-errors.ts'
import { isRecord } from './shopify-rest.ts'
import type { ShopifyRecord, ShopifyRest } from './shopify-rest.ts'

export interface ShopifyGraphqlOptions {
  signal?: AbortSignal | undefined
  /** A mutation is not repeat-safe: a 5xx or a dropped connection is then an unknown outcome. */
  mutation?: boolean
  /**
   * The cost this call is expected to request. When the bucket last reported (restored at its
   * rate since) cannot cover it, the call is not sent: it fails `throttled` with the wait.
   */
  expectedCost?: number
}

export interface ShopifyGraphqlResult {
  data: ShopifyRecord
  cost: ShopifyQueryCost | undefined
}

export class ShopifyGraphqlClient {
  readonly #rest: ShopifyRest
  #last: { status: ShopifyThrottleStatus; at: number } | undefined

  /** Shares the REST core: one connection, one config, one clock. */
  constructor(rest: ShopifyRest) {
    this.#rest = rest
  }

  /** The bucket as the latest answer reported it, restored at its rate to now. */
  get throttleStatus(): ShopifyThrottleStatus | undefined {
    if (this.#last === undefined) return undefined
    const { status, at } = this.#last
    const restored = ((this.#rest.clock.now() - at) / 1000) * status.restoreRate
    return {
      ...status,
      currentlyAvailable: Math.min(status.maximumAvailable, status.currentlyAvailable + restored),
    }
  }

  async request(
    query: string,
    variables: Record<string, unknown> = {},
    options: ShopifyGraphqlOptions = {},
  ): Promise<ShopifyGraphqlResult> {
    const context: ShopifyCallContext = {
      label: `POST /graphql.json${operationName(query)}`,
      idempotent: options.mutation !== true,
      nowMs: this.#rest.clock.now(),
    }
    const bucket = this.throttleStatus
    if (options.expectedCost !== undefined && bucket !== undefined) {
      if (options.expectedCost > bucket.currentlyAvailable) {
        const wait = waitForPointsMs(options.expectedCost, bucket)
        throw HubError.throttled(
          `Shopify ${context.label} not sent: it needs ${options.expectedCost} points and the bucket holds ${Math.floor(bucket.currentlyAvailable)}`,
          wait,
          { code: 'THROTTLED' },
        )
      }
    }
    const body = await this.#rest.call('POST', 'graphql.json', {
      body: { query, variables },
      signal: options.signal,
      idempotent: context.idempotent,
    })
    const cost = queryCostOf(body)
    if (cost !== undefined) this.#last = { status: cost.throttleStatus, at: this.#rest.clock.now() }
    const failure = classifyShopifyGraphql(body, context)
    if (failure) throw failure
    const data = body?.data
    if (!isRecord(data)) {
      const message = `Shopify ${context.label} answered without "data"`
      throw context.idempotent
        ? HubError.retryable(message, { code: 'MALFORMED_BODY' })
        : HubError.unknownOutcome(message, { code: 'MALFORMED_BODY' })
    }
    return { data, cost }
  }
}

/** ` Name` from `query Name(` / `mutation Name {`, for messages. */
function operationName(query: string): string {
  const match = /\b(query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)
  return match?.[2] === undefined ? '' : ` ${match[2]}`
}
