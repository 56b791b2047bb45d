/** @module connectors/netsuite — NetSuite: connection spec, OAuth 2.0 tokens or TBA signatures, REST record and SuiteQL client, transforms, error table, mapping. */
export {
  NetSuiteConnectionSpec,
  netSuiteConfigFields,
  parseNetSuiteConnectionConfig,
} from './netsuite-spec.ts'
export type {
  NetSuiteAuthConfig,
  NetSuiteConnectionConfig,
  NetSuiteConnectionInput,
} from './netsuite-spec.ts'
export {
  NetSuiteTbaSigner,
  netsuiteRealm,
  oauthHmacSignature,
  oauthPercentEncode,
  signatureBaseString,
} from './netsuite-tba-signer.ts'
export type { NetSuiteTbaCredentials, NetSuiteTbaSignerOptions } from './netsuite-tba-signer.ts'
export { bearerAuth, tbaAuth } from './netsuite-request-auth.ts'
export type { NetSuiteAuthorization, NetSuiteRequestAuth } from './netsuite-request-auth.ts'
export {
  SUITEQL_MAX_PAGE_SIZE,
  SUITEQL_MAX_RESULTS,
  SUITEQL_PATH,
  suiteqlString,
} from './netsuite-suiteql.ts'
export type { SuiteQlOptions, SuiteQlRow } from './netsuite-suiteql.ts'
export type {
  NetSuiteFulfillmentLine,
  NetSuiteInvoiceRef,
  NetSuiteTransformOptions,
} from './netsuite-transform.ts'
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
