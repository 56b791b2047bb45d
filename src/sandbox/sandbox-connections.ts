/** @module sandbox/sandbox-connections — the hub's connection settings for a simulator: the one
 * mapping from what a simulator exposes to the config fields a connection takes, used by the hub
 * (the `demo` connections), the test harness and the benchmarks. */

export interface ShopifyEndpointFields {
  readonly shopDomain: string
  readonly apiVersion: string
  readonly baseUrl: string
  readonly accessToken: string
  readonly webhookSecret: string
}

export interface NetSuiteEndpointFields {
  readonly accountId: string
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
}

/** Unvalidated config of a Shopify connection to this shop (the hub's config schema checks it). */
export function shopifyConnectionFields(sim: ShopifyEndpointFields): Record<string, unknown> {
  return {
    shopDomain: sim.shopDomain,
    apiVersion: sim.apiVersion,
    adminBaseUrl: sim.baseUrl,
    accessToken: sim.accessToken,
    webhookSecrets: [{ secret: sim.webhookSecret }],
  }
}

/** Unvalidated config of a NetSuite connection to this account. */
export function netsuiteConnectionFields(sim: NetSuiteEndpointFields): Record<string, unknown> {
  return {
    accountId: sim.accountId,
    baseUrl: sim.baseUrl,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
  }
}

export interface SapEndpointFields {
  readonly baseUrl: string
  readonly username: string
  readonly password: string
}

/** Unvalidated config of an SAP connection to this system (S/4HANA Cloud: no `sap-client` needed). */
export function sapConnectionFields(sim: SapEndpointFields): Record<string, unknown> {
  return {
    baseUrl: sim.baseUrl,
    username: sim.username,
    password: sim.password,
  }
}

export interface SalesforceEndpointFields {
  readonly baseUrl: string
  readonly apiVersion: string
  readonly clientId: string
  readonly clientSecret: string
}

/** Unvalidated config of a Salesforce connection to this org (client-credentials flow, the simulator's connected app). */
export function salesforceConnectionFields(sim: SalesforceEndpointFields): Record<string, unknown> {
  return {
    loginUrl: sim.baseUrl,
    apiVersion: sim.apiVersion,
    grantType: 'client_credentials',
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    externalIdField: 'ERP_Customer_Id__c',
  }
}
