/** @module connectors/shopify — Shopify: connection spec, webhook verification and headers, lossless JSON, mapping, Admin REST client. */
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
