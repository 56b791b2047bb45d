/** @module test/connectors/salesforce-spec.test — the Salesforce connection config and the governor limits derived from it. */
import { describe, expect, it } from 'vitest'
import { salesforceConnectorSpec } from '../../src/connectors/salesforce/salesforce-connector-spec.ts'
import { parseSalesforceConnectionConfig } from '../../src/connectors/salesforce/salesforce-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'

const base = {
  loginUrl: 'https://acme.my.salesforce.com/',
  clientId: '3MVG9example',
  clientSecret: 'top-secret-value',
  externalIdField: 'ERP_Customer_Id__c',
}

function refusal(input: unknown): HubError {
  try {
    parseSalesforceConnectionConfig(input)
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('the config parsed')
}

describe('Salesforce connection config', () => {
  it('applies the defaults and keeps secrets as Secret', () => {
    const config = parseSalesforceConnectionConfig({ ...base, apiVersion: 'v60.0' })
    expect(config).toMatchObject({
      loginUrl: 'https://acme.my.salesforce.com',
      apiVersion: '60.0',
      grantType: 'client_credentials',
      clientName: 'SynclineHub',
      requestTimeoutMs: 30_000,
      concurrencyLimit: 25,
      dailyApiRequests: 100_000,
      apiUsageBackoffRatio: 0.9,
    })
    expect(config.clientSecret).toBeInstanceOf(Secret)
    expect(JSON.stringify(config)).not.toContain('top-secret-value')
  })

  it('the password flow needs a username and a password, and never echoes them in errors', () => {
    const error = refusal({ ...base, grantType: 'password' })
    expect(error.type).toBe('validation')
    expect(error.message).toContain('username')
    expect(error.message).toContain('password')
    const ok = parseSalesforceConnectionConfig({
      ...base,
      grantType: 'password',
      username: 'integration@acme.example',
      password: 'hunter2',
      securityToken: 'TOKEN42',
    })
    expect(ok.password?.reveal()).toBe('hunter2')
    expect(refusal({ ...base, clientSecret: '' }).message).not.toContain('top-secret-value')
  })

  it('refuses more than 25 in flight, a bad API version and a field name that could escape the path', () => {
    expect(refusal({ ...base, concurrencyLimit: 26 }).message).toContain('concurrencyLimit')
    expect(refusal({ ...base, apiVersion: '62' }).message).toContain('apiVersion')
    expect(refusal({ ...base, externalIdField: '../Id' }).message).toContain('externalIdField')
    expect(refusal({ ...base, surprise: true }).message).toContain('surprise')
  })
})

describe('salesforceConnectorSpec.governance', () => {
  it('one target per org, concurrency from the config, and a rate that cannot overspend the day', () => {
    const config = parseSalesforceConnectionConfig({
      ...base,
      concurrencyLimit: 10,
      dailyApiRequests: 20_000,
    })
    const governance = salesforceConnectorSpec.governance(config)
    expect(governance).toMatchObject({
      target: 'salesforce:acme.my.salesforce.com',
      concurrency: 10,
    })
    const rate = governance.rate
    if (rate === undefined) throw new Error('no rate')
    expect(rate.burst).toBe(1_000)
    // Any 24 h window: at most the burst plus a day at the sustained rate = the allocation.
    expect(Math.round((rate.burst ?? 0) + rate.perSecond * 86_400)).toBe(20_000)
  })

  it('on the shared login hosts the integration user tells orgs apart', () => {
    const config = (username: string) =>
      parseSalesforceConnectionConfig({
        ...base,
        loginUrl: 'https://login.salesforce.com',
        grantType: 'password',
        username,
        password: 'x',
      })
    const a = salesforceConnectorSpec.governance(config('sync@a.example')).target
    const b = salesforceConnectorSpec.governance(config('sync@b.example')).target
    expect(a).toBe('salesforce:login.salesforce.com/sync@a.example')
    expect(a).not.toBe(b)
  })
})
