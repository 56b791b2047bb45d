/** @module connectors/netsuite — NetSuite: connection spec, OAuth 2.0 tokens, REST record client, error table, mapping. */
export {
  NetSuiteConnectionSpec,
  netSuiteConfigFields,
  parseNetSuiteConnectionConfig,
} from './netsuite-spec.ts'
export type { NetSuiteConnectionConfig, NetSuiteConnectionInput } from './netsuite-spec.ts'
export { NETSUITE_TOKEN_PATH, NetSuiteTokenProvider } from './netsuite-token-provider.ts'
export type {
  NetSuiteAccessToken,
  NetSuiteTokenProviderOptions,
} from './netsuite-token-provider.ts'
export { NetSuiteClient } from './netsuite-client.ts'
export { RECORD_PATH, eidPath, internalIdFromLocation, recordType } from './netsuite-record-path.ts'
export type {
  NetSuiteClientOptions,
  NetSuiteGovernanceLimits,
  NetSuiteWriteOptions,
} from './netsuite-client.ts'
export {
  NETSUITE_DEFAULT_RETRY_AFTER_MS,
  NETSUITE_ERROR_TABLE,
  classifyNetSuiteFailure,
  matchNetSuiteRule,
  netSuiteFailureFacts,
  parseNetSuiteErrorBody,
} from './netsuite-error-classifier.ts'
export type {
  NetSuiteErrorDetail,
  NetSuiteErrorRule,
  NetSuiteFailure,
  NetSuiteFailureFacts,
  NetSuiteOperation,
} from './netsuite-error-classifier.ts'
export {
  canonicalCustomerToNetSuite,
  canonicalOrderToNetSuiteSalesOrder,
  decimalForJson,
  netsuiteCustomerExternalId,
  netsuiteSalesOrderExternalId,
} from './netsuite-mapping.ts'
export type {
  NetSuiteCustomerBody,
  NetSuiteCustomerMappingOptions,
  NetSuiteRef,
  NetSuiteSalesOrderBody,
  NetSuiteSalesOrderLine,
} from './netsuite-mapping.ts'
