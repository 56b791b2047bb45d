/** @module sandbox/shopify/shopify-graphql-routes — POST graphql.json: parse, validate, price against the cost bucket (THROTTLED with HTTP 200 when short), execute, report extensions.cost. */

import type { FaultRenderer } from '../kit/fault-gate.ts'
import type { SimResponse } from '../kit/sim-response.ts'
import type { AdminRouter, ShopifyAdminDeps } from './shopify-admin-api.ts'
import { shopifyErrors, shopifyFaultRenderer, shopifyJson } from './shopify-errors.ts'
import type { CostBucket } from './shopify-graphql-bucket.ts'
import { priceOperation } from './shopify-graphql-cost.ts'
import { executeOperation } from './shopify-graphql-exec.ts'
import type { GqlError, GqlSchema } from './shopify-graphql-exec.ts'
import { INVENTORY_TYPES } from './shopify-graphql-inventory-types.ts'
import { MUTATION_TYPES } from './shopify-graphql-mutations.ts'
import { GqlSyntaxError, parseGraphql } from './shopify-graphql-parser.ts'
import type { GqlOperation } from './shopify-graphql-parser.ts'
import type { Ctx } from './shopify-graphql-types.ts'
import { QUERY_TYPES } from './shopify-graphql-types.ts'

/** Shopify refuses any single query priced above this, whatever the bucket holds. */
export const SINGLE_QUERY_MAX_COST = 1000
export const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits'

export const GRAPHQL_SCHEMA: GqlSchema<Ctx> = {
  types: { ...QUERY_TYPES, ...INVENTORY_TYPES, ...MUTATION_TYPES },
  query: 'QueryRoot',
  mutation: 'Mutation',
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const errorsOnly = (errors: readonly GqlError[], extensions?: unknown): SimResponse =>
  shopifyJson(200, { errors, ...(extensions === undefined ? {} : { extensions }) })

/** The THROTTLED answer: HTTP 200, no data, the cost asked for and what the bucket holds. */
export function throttledResponse(
  requestedQueryCost: number,
  status: ReturnType<CostBucket['status']>,
): SimResponse {
  return errorsOnly(
    [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
    { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: status } },
  )
}

/**
 * Scripted faults on graphql.json look like GraphQL: a scripted rate limit is THROTTLED with a
 * bucket emptied just enough that its restore rate makes up the deficit in the scripted seconds.
 */
export function graphqlFaultRenderer(bucket: CostBucket): FaultRenderer {
  return {
    serverError: shopifyFaultRenderer.serverError,
    rateLimited: (seconds) =>
      throttledResponse(Math.ceil(seconds * bucket.restoreRate), {
        maximumAvailable: bucket.maximumAvailable,
        currentlyAvailable: 0,
        restoreRate: bucket.restoreRate,
      }),
    malformed: () => ({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"data":{"order":{"id":"gid://shopify/Order/8',
    }),
  }
}

function pickOperation(
  operations: readonly GqlOperation[],
  name: unknown,
): GqlOperation | GqlError {
  if (typeof name === 'string' && name !== '') {
    return (
      operations.find((o) => o.name === name) ?? {
        message: `No operation named "${name}"`,
        extensions: { code: 'OPERATION_NOT_FOUND' },
      }
    )
  }
  if (operations.length === 1 && operations[0]) return operations[0]
  return {
    message: 'An operation name is required',
    extensions: { code: 'OPERATION_NAME_REQUIRED' },
  }
}

function missingVariables(op: GqlOperation, variables: Record<string, unknown>): GqlError[] {
  return op.variables
    .filter(
      (v) =>
        v.type.endsWith('!') &&
        v.defaultValue === null &&
        (variables[v.name] === undefined || variables[v.name] === null),
    )
    .map((v) => ({
      message: `Variable $${v.name} of type ${v.type} was provided invalid value`,
      extensions: {
        code: 'INVALID_VARIABLE',
        value: null,
        problems: [{ path: [], explanation: 'Expected value to not be null' }],
      },
    }))
}

export function mountGraphqlRoute(
  router: AdminRouter,
  deps: ShopifyAdminDeps,
  bucket: CostBucket,
): void {
  const graphqlKey = { recordType: 'graphql', key: deps.shopDomain }
  router.route(
    'POST',
    'graphql.json',
    (request) => {
      const body = request.body
      if (!isObject(body) || typeof body.query !== 'string' || body.query.trim() === '') {
        return shopifyErrors.invalid(400, { query: 'Required parameter missing or invalid' })
      }
      const variables = isObject(body.variables) ? body.variables : {}
      let operations: GqlOperation[]
      try {
        operations = parseGraphql(body.query)
      } catch (error) {
        if (!(error instanceof GqlSyntaxError)) throw error
        return errorsOnly([{ message: error.message, locations: [error.location] }])
      }
      const op = pickOperation(operations, body.operationName)
      if (!('selections' in op)) return errorsOnly([op])
      const invalid = missingVariables(op, variables)
      if (invalid.length > 0) return errorsOnly(invalid)
      const walk = { variables, errors: [] as GqlError[] }
      const requested = priceOperation(GRAPHQL_SCHEMA, op, walk)
      if (walk.errors.length > 0) return errorsOnly(walk.errors)
      if (requested > SINGLE_QUERY_MAX_COST) {
        return errorsOnly([
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`,
            extensions: {
              code: 'MAX_COST_EXCEEDED',
              cost: requested,
              maxCost: SINGLE_QUERY_MAX_COST,
            },
          },
        ])
      }
      // Nothing is held for a refused query; a smaller one may still fit.
      if (!bucket.take(requested)) return throttledResponse(requested, bucket.status())
      const run = executeOperation(GRAPHQL_SCHEMA, op, variables, deps)
      const actual = Math.min(run.actualCost, requested)
      bucket.refund(requested - actual)
      return shopifyJson(200, {
        data: run.data,
        ...(run.errors.length > 0 ? { errors: run.errors } : {}),
        extensions: {
          cost: {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: bucket.status(),
          },
        },
      })
    },
    () => graphqlKey,
    { restBucket: false, render: graphqlFaultRenderer(bucket) },
  )
}
