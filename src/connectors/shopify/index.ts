/** @module connectors/shopify — Shopify: connection spec, webhook verification and headers, lossless JSON, mapping, Admin REST and GraphQL clients, fulfillments, inventory, the connector spec. */
export {
  DEFAULT_ROTATION_WINDOW_MS,
  DEFAULT_STALE_AFTER_MS,
  ShopifyConnectionSpec,
  ShopifyWebhookSecretSpec,
  parseShopifyConnectionConfig,
  shopifyConfigFields,
  validWebhookSecrets,
} from './shopify-spec.ts'
export type {
  ShopifyConnectionConfig,
  ShopifyConnectionInput,
  ShopifyWebhookSecret,
} from './shopify-spec.ts'
export { verifyShopifyHmac } from './shopify-webhook-verifier.ts'
export type {
  ShopifyHmacFailure,
  ShopifyHmacInput,
  ShopifyHmacResult,
} from './shopify-webhook-verifier.ts'
export { parseShopifyWebhookHeaders } from './shopify-webhook-headers.ts'
export type {
  ParseShopifyWebhookHeadersOptions,
  ShopifyWebhookHeaders,
  WebhookHeaderSource,
} from './shopify-webhook-headers.ts'
export {
  SHOPIFY_JSON_MAX_DEPTH,
  SHOPIFY_JSON_MAX_VALUES,
  parseShopifyJson,
} from './shopify-json.ts'
export {
  SHOPIFY_SYSTEM,
  shopifyCustomerToCanonical,
  shopifyOrderBusinessKey,
  shopifyOrderToCanonical,
} from './shopify-mapping.ts'
export type { ShopifyOrderMappingOptions } from './shopify-mapping.ts'
export {
  SHOPIFY_DEFAULT_RETRY_AFTER_MS,
  SHOPIFY_RESPONSE_RULES,
  classifyShopifyNetworkError,
  classifyShopifyResponse,
} from './shopify-error-classifier.ts'
export type { ShopifyCallContext } from './shopify-error-classifier.ts'
export { ShopifyAdminClient } from './shopify-admin-client.ts'
export type {
  ShopifyAdminClientOptions,
  ShopifyCallLimit,
  ShopifyListOrdersQuery,
  ShopifyListQuery,
  ShopifyPage,
  ShopifyRecord,
  ShopifyWebhookSubscription,
} from './shopify-admin-client.ts'
export { ShopifyRest } from './shopify-rest.ts'
export type { ShopifyCallOptions, ShopifyRestOptions } from './shopify-rest.ts'
export { ShopifyGraphqlClient } from './shopify-graphql-client.ts'
export type { ShopifyGraphqlOptions, ShopifyGraphqlResult } from './shopify-graphql-client.ts'
export {
  SHOPIFY_GRAPHQL_DEFAULT_RETRY_AFTER_MS,
  SHOPIFY_GRAPHQL_RULES,
  classifyShopifyGraphql,
  queryCostOf,
  userErrorsOf,
  waitForPointsMs,
} from './shopify-graphql-errors.ts'
export type { ShopifyQueryCost, ShopifyThrottleStatus } from './shopify-graphql-errors.ts'
export {
  ShopifyFulfillmentClient,
  fulfillmentMatchKey,
  planFulfillment,
} from './shopify-fulfillment-client.ts'
export type {
  ShopifyFulfillmentInput,
  ShopifyFulfillmentLine,
  ShopifyFulfillmentWrite,
} from './shopify-fulfillment-client.ts'
export { ShopifyInventoryClient, inventoryUserErrors } from './shopify-inventory-client.ts'
export type {
  ShopifyLevelKey,
  ShopifySetAvailableInput,
  ShopifySetAvailableResult,
} from './shopify-inventory-client.ts'
export { SHOPIFY_ERROR_TABLE } from './shopify-error-table.ts'
export type { ShopifyErrorRow } from './shopify-error-table.ts'
export { shopifyConnectorSpec } from './shopify-connector-spec.ts'
