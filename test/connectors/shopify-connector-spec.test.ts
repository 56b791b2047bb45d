/** @module test/connectors/shopify-connector-spec.test — the Shopify spec's governance against the bucket it models, and its error table against the classifiers' own rule lists. */
import { describe, expect, it } from 'vitest'
import {
  SHOPIFY_REQUESTS_PER_CALL,
  SHOPIFY_REST_BUCKET_SIZE,
  SHOPIFY_REST_LEAK_PER_SECOND,
  shopifyConnectorSpec,
} from '../../src/connectors/shopify/shopify-connector-spec.ts'
import { SHOPIFY_RESPONSE_RULES } from '../../src/connectors/shopify/shopify-error-classifier.ts'
import { SHOPIFY_ERROR_TABLE } from '../../src/connectors/shopify/shopify-error-table.ts'
import { SHOPIFY_GRAPHQL_RULES } from '../../src/connectors/shopify/shopify-graphql-errors.ts'

const config = shopifyConnectorSpec.parseConfig(shopifyConnectorSpec.exampleConfig)

describe('Shopify connector spec', () => {
  it('governs one target per shop at a rate the REST bucket can sustain', () => {
    const governance = shopifyConnectorSpec.governance(config)
    expect(governance.target).toBe('shopify:acme.myshopify.com')
    expect(governance.concurrency).toBe(4)
    expect(governance.rate).toEqual({ perSecond: 2 / 3, burst: 13 })
    const rate = governance.rate ?? { perSecond: Infinity, burst: Infinity }
    // Every call may make three requests: a full burst fits the bucket, the pace matches the leak.
    expect((rate.burst ?? 1) * SHOPIFY_REQUESTS_PER_CALL).toBeLessThanOrEqual(
      SHOPIFY_REST_BUCKET_SIZE,
    )
    expect(rate.perSecond * SHOPIFY_REQUESTS_PER_CALL).toBeCloseTo(SHOPIFY_REST_LEAK_PER_SECOND)
  })

  it('has an error row for every REST classifier rule and every GraphQL rule, in order', () => {
    const ids = SHOPIFY_ERROR_TABLE.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    const rest = SHOPIFY_ERROR_TABLE.filter((r) => r.id.startsWith('rest-')).map((r) => r.type)
    expect(rest).toEqual(SHOPIFY_RESPONSE_RULES.map((r) => r.type))
    const graphqlTypes = new Set(
      SHOPIFY_ERROR_TABLE.filter((r) => r.id.startsWith('graphql-')).map((r) => r.type),
    )
    for (const rule of SHOPIFY_GRAPHQL_RULES) {
      expect(graphqlTypes.has(rule.type), rule.when).toBe(true)
    }
    for (const row of SHOPIFY_ERROR_TABLE) expect(row.example().type, row.id).toBe(row.type)
  })

  it('computes the GraphQL wait from the deficit and the restore rate', () => {
    const row = SHOPIFY_ERROR_TABLE.find((r) => r.id === 'graphql-throttled')
    // 752 requested, 152 available, 100 restored per second: 6 s.
    expect(row?.example().retryAfterMs).toBe(6000)
  })

  it('declares the outbound writes with their in-doubt reads', () => {
    const outbound = shopifyConnectorSpec.operations.filter((o) => o.direction === 'outbound')
    expect(outbound.map((o) => o.name)).toEqual(['fulfillment.create', 'inventoryLevel.set'])
    expect(outbound.every((o) => (o.inDoubtRead ?? '').includes('GET'))).toBe(true)
  })
})
