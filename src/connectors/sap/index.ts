/** @module connectors/sap — SAP S/4HANA Cloud (OData v2): connection spec, session and CSRF, client, error table, mapping, operations, inbound business events. */
export {
  SapConnectionSpec,
  parseSapConnectionConfig,
  sapConfigFields,
  sapGovernanceTarget,
} from './sap-spec.ts'
export type { SapConnectionConfig, SapConnectionInput } from './sap-spec.ts'
export { SapSession } from './sap-session.ts'
export type { SapCredentials, SapInvalidation } from './sap-session.ts'
export { SapClient, labelOf } from './sap-client.ts'
export type { SapCall, SapClientOptions, SapCreated, SapEntityRead } from './sap-client.ts'
export { queryEntities } from './sap-odata-query.ts'
export type { SapQuery } from './sap-odata-query.ts'
export {
  BUSINESS_PARTNER_SERVICE,
  SALES_ORDER_SERVICE,
  SERVICE_ROOT,
  alphaOut,
  entityPath,
  eq,
  odataString,
} from './sap-odata-path.ts'
export type { SapService } from './sap-odata-path.ts'
export {
  SAP_DEFAULT_RETRY_AFTER_MS,
  SAP_ERROR_TABLE,
  classifySapFailure,
  matchSapRule,
  parseSapErrorBody,
  sapFailureFacts,
} from './sap-error-classifier.ts'
export type {
  SapErrorDetail,
  SapErrorRule,
  SapFailure,
  SapFailureFacts,
  SapOperation,
} from './sap-error-classifier.ts'
export {
  BUSINESS_PARTNER_KEY_LENGTH,
  SALES_ORDER_REFERENCE_LENGTH,
  sapBusinessKey,
} from './sap-business-key.ts'
export {
  canonicalCustomerToSapBusinessPartner,
  canonicalOrderToSapSalesOrder,
  sapBusinessPartnerKey,
  sapSalesOrderReference,
} from './sap-mapping.ts'
export type {
  SapBusinessPartnerBody,
  SapBusinessPartnerOptions,
  SapOrderDefaults,
  SapSalesOrderBody,
  SapSalesOrderItemBody,
} from './sap-mapping.ts'
export { sapBusinessPartnerToCanonical, sapSalesOrderToSnapshot } from './sap-reverse-mapping.ts'
export type { SapSalesOrderLine, SapSalesOrderSnapshot } from './sap-reverse-mapping.ts'
export {
  createSalesOrderOnce,
  ensureBusinessPartner,
  findBusinessPartnerByKey,
  findSalesOrderByReference,
  readBusinessPartner,
  readSalesOrder,
  updateSalesOrderHeader,
} from './sap-operations.ts'
export type {
  SapBusinessPartnerRef,
  SapSalesOrderHeaderChange,
  SapSalesOrderRead,
  SapSalesOrderRef,
} from './sap-operations.ts'
export { createSalesOrdersOnce } from './sap-batch.ts'
export type { SapBatchItemResult, SapBatchOutcome } from './sap-batch.ts'
export {
  SAP_BUSINESS_EVENT_TYPES,
  SAP_EVENT_OBJECTS,
  parseSapBusinessEvent,
  sapEntityKey,
} from './sap-event-mapping.ts'
export type { SapBusinessEvent, SapEventObject, SapEventSubject } from './sap-event-mapping.ts'
export {
  SAP_VERSION_EPOCH,
  contentFingerprint,
  sapEntityVersion,
  sapVersionOrdinal,
} from './sap-entity-version.ts'
export type { SapEntityVersion } from './sap-entity-version.ts'
export { DEFAULT_DEDUPE_WINDOW, SapEventReceiver } from './sap-event-receiver.ts'
export type {
  SapEventAcceptance,
  SapEventReceiverOptions,
  SapEventResolution,
} from './sap-event-receiver.ts'
export { SapEventFeedConsumer } from './sap-event-feed-consumer.ts'
export type {
  SapEventFeedItem,
  SapEventFeedOptions,
  SapEventFeedPage,
} from './sap-event-feed-consumer.ts'
export { sapConnectorSpec } from './sap-connector-spec.ts'
