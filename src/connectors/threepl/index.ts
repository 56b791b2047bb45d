/** @module connectors/threepl — the 3PL warehouse: connection spec, WMS client, error table, Standard Webhooks receiver, mapping. */
export {
  DEFAULT_CONCURRENCY,
  DEFAULT_REQUEST_BURST,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_STALE_AFTER_MS,
  ThreePlConnectionSpec,
  WEBHOOK_TOLERANCE_MS,
  parseThreePlConnectionConfig,
  threePlConfigFields,
  webhookSecretKey,
} from './threepl-spec.ts'
export type { ThreePlConnectionConfig, ThreePlConnectionInput } from './threepl-spec.ts'
export { FULFILLMENT_ORDERS_PATH, INVENTORY_PATH, ThreePlClient } from './threepl-client.ts'
export type {
  ThreePlCreateResult,
  ThreePlInventorySnapshot,
  ThreePlWriteOptions,
} from './threepl-client.ts'
export {
  THREEPL_DEFAULT_RETRY_AFTER_MS,
  THREEPL_ERROR_TABLE,
  classifyThreePlFailure,
  matchThreePlRule,
  parseThreePlErrorBody,
  threePlFailureFacts,
} from './threepl-error-classifier.ts'
export type {
  ThreePlErrorBody,
  ThreePlErrorRule,
  ThreePlFailure,
  ThreePlFailureFacts,
  ThreePlFieldError,
  ThreePlOperation,
} from './threepl-error-classifier.ts'
export {
  THREEPL_SYSTEM,
  inventoryLevelId,
  parseThreePlShape,
  threePlInventoryEventToCanonical,
  threePlInventoryPageToCanonical,
  threePlOrderToShipment,
  threePlShipmentEventToCanonical,
} from './threepl-inbound-mapping.ts'
export {
  canonicalOrderToFulfillmentOrder,
  threePlExternalReference,
} from './threepl-outbound-mapping.ts'
export type { ThreePlFulfillmentOrderBody } from './threepl-outbound-mapping.ts'
export type { ThreePlFulfillmentOrder, ThreePlShipTo } from './threepl-api-shapes.ts'
export { verifyStandardWebhook } from './threepl-webhook-verifier.ts'
export type {
  StandardWebhookFailure,
  StandardWebhookInput,
  StandardWebhookResult,
} from './threepl-webhook-verifier.ts'
export { createThreePlWebhookReceiver } from './threepl-webhook-receiver.ts'
export type {
  ThreePlInboundEvent,
  ThreePlWebhookAcceptance,
  ThreePlWebhookReceiver,
} from './threepl-webhook-receiver.ts'
export { threeplConnectorSpec } from './threepl-connector-spec.ts'
