/** @module connectors/salesforce — Salesforce: connection spec, OAuth 2.0 tokens, REST client (upsert, SOQL, Composite), error table, governance, Account change events subscribed over CometD. */
export {
  SALESFORCE_DEFAULT_DAILY_API_REQUESTS,
  SALESFORCE_MAX_CONCURRENCY,
  SalesforceConnectionSpec,
  parseSalesforceConnectionConfig,
  salesforceConfigFields,
} from './salesforce-spec.ts'
export type { SalesforceConnectionConfig, SalesforceConnectionInput } from './salesforce-spec.ts'
export { SALESFORCE_TOKEN_PATH, SalesforceTokenProvider } from './salesforce-token-provider.ts'
export type {
  SalesforceAccessToken,
  SalesforceGrant,
  SalesforceTokenProviderOptions,
} from './salesforce-token-provider.ts'
export { SalesforceClient } from './salesforce-client.ts'
export type {
  SalesforceRecordRead,
  SalesforceUpdateOptions,
  SalesforceUpsertResult,
  SalesforceWriteOptions,
} from './salesforce-client.ts'
export { COMPOSITE_MAX_SUBREQUESTS } from './salesforce-composite.ts'
export type {
  CompositeOptions,
  CompositeOutcome,
  CompositeSubrequest,
} from './salesforce-composite.ts'
export type { QueryOptions, QueryPage } from './salesforce-query.ts'
export { ApiUsageMonitor, allocationWaitMs, parseSforceLimitInfo } from './salesforce-api-usage.ts'
export type { ApiUsage, ApiUsageState } from './salesforce-api-usage.ts'
export {
  CONCURRENT_LIMIT_RETRY_MS,
  SALESFORCE_ERROR_TABLE,
  SalesforceMultipleMatchesError,
  classifySalesforceFailure,
  matchSalesforceRule,
  multipleChoiceIds,
  parseSalesforceErrorBody,
  salesforceFailureFacts,
} from './salesforce-error-classifier.ts'
export type {
  SalesforceErrorDetail,
  SalesforceErrorRule,
  SalesforceFailure,
  SalesforceFailureFacts,
  SalesforceOperation,
} from './salesforce-error-classifier.ts'
export { salesforceGovernance } from './salesforce-governance.ts'
export { mapAccountChangeEvent, parseAccountChangeEvent } from './salesforce-cdc-mapping.ts'
export type {
  AccountChange,
  AccountChangeMapping,
  AccountChangeMappingOptions,
} from './salesforce-cdc-mapping.ts'
export {
  ACCOUNT_CHANGE_CHANNEL,
  DEFAULT_DEDUPE_WINDOW,
  SalesforceCdcSubscriber,
} from './salesforce-cdc-subscriber.ts'
export type {
  SalesforceCdcRunOptions,
  SalesforceCdcSubscriberOptions,
} from './salesforce-cdc-subscriber.ts'
export type {
  SalesforceCdcCheckpoint,
  SalesforceCdcDelivery,
  SalesforceCdcStats,
  SalesforceCdcStatus,
} from './salesforce-cdc-delivery.ts'
export { REPLAY_FROM, SalesforceCometdClient } from './salesforce-cometd-client.ts'
export {
  BAYEUX_REFUSAL_TABLE,
  SalesforceCometdError,
  bayeuxRefusal,
  matchBayeuxRefusal,
} from './salesforce-bayeux.ts'
export type { BayeuxAdvice, BayeuxRefusalRule, CometdRecovery } from './salesforce-bayeux.ts'
export { salesforceConnectorSpec } from './salesforce-connector-spec.ts'
