/** @module test/connectors/connector-spec — connection configs: defaults, secrets, docs, messages that say what to fix. */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import {
  parseShopifyConnectionConfig,
  shopifyConfigFields,
} from '../../src/connectors/shopify/shopify-spec.ts'
import {
  netSuiteConfigFields,
  parseNetSuiteConnectionConfig,
} from '../../src/connectors/netsuite/netsuite-spec.ts'

const shopify = {
  shopDomain: 'acme.myshopify.com',
  apiVersion: '2026-01',
  accessToken: 'shpat_supersecret',
  webhookSecrets: [{ secret: 'shpss_supersecret' }],
}

function configError(fn: () => unknown): HubError {
  try {
    fn()
  } catch (error) {
    if (HubError.is(error) && error.type === 'validation') return error
    throw error
  }
  throw new Error('expected HubError.validation')
}

describe('Shopify connection spec', () => {
  it('fills defaults and wraps credentials as Secrets', () => {
    const config = parseShopifyConnectionConfig(shopify)
    expect(config.adminBaseUrl).toBe('https://acme.myshopify.com')
    expect(config.rotationWindowMs).toBe(3_600_000)
    expect(config.staleAfterMs).toBe(86_400_000)
    expect(config.accessToken).toBeInstanceOf(Secret)
    expect(config.accessToken.reveal()).toBe('shpat_supersecret')
    expect(JSON.stringify(config)).not.toContain('supersecret')
    expect(inspect(config, { depth: 5 })).not.toContain('supersecret')
  })

  it('accepts an explicit base URL for the simulator, without a trailing slash', () => {
    const config = parseShopifyConnectionConfig({
      ...shopify,
      adminBaseUrl: 'http://127.0.0.1:4010/',
    })
    expect(config.adminBaseUrl).toBe('http://127.0.0.1:4010')
  })

  it.each([
    [{ shopDomain: 'https://acme.myshopify.com' }, 'shopDomain', /acme\.myshopify\.com/],
    [{ apiVersion: '2026-13' }, 'apiVersion', /YYYY-MM/],
    [{ accessToken: '' }, 'accessToken', /non-empty secret/],
    [{ webhookSecrets: [] }, 'webhookSecrets', /at least one webhook secret/],
    [
      { webhookSecrets: [{ secret: 'x', activeFrom: 'tomorrow' }] },
      'webhookSecrets[0].activeFrom',
      /ISO-8601/,
    ],
    [{ webhookSecrets: [{ secret: 'a' }, { secret: 'b' }] }, 'webhookSecrets', /only the oldest/],
    [{ rotationWindowMs: -1 }, 'rotationWindowMs', /non-negative/],
    [{ webhookSecret: 'typo' }, '(config)', /webhookSecret/],
  ])('says what to fix: %j', (override, path, message) => {
    const error = configError(() => parseShopifyConnectionConfig({ ...shopify, ...override }))
    expect(error.message).toContain(`${path}:`)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('supersecret')
  })

  it('documents every field, marking secrets', () => {
    const fields = shopifyConfigFields()
    expect(fields.map((f) => f.name)).toEqual([
      'shopDomain',
      'apiVersion',
      'adminBaseUrl',
      'accessToken',
      'webhookSecrets',
      'rotationWindowMs',
      'staleAfterMs',
      'requestTimeoutMs',
    ])
    for (const field of fields) expect(field.description).not.toBe('')
    expect(fields.find((f) => f.name === 'accessToken')).toMatchObject({
      secret: true,
      required: true,
    })
    expect(fields.find((f) => f.name === 'rotationWindowMs')).toMatchObject({ required: false })
    expect(fields.find((f) => f.name === 'staleAfterMs')?.default).toMatch(/24 hours/)
  })
})

describe('NetSuite connection spec', () => {
  const netsuite = { accountId: '1234567_SB1', clientId: 'client', clientSecret: 'nssecret' }

  it('derives the account domain and fills defaults', () => {
    const config = parseNetSuiteConnectionConfig(netsuite)
    expect(config.baseUrl).toBe('https://1234567-sb1.suitetalk.api.netsuite.com')
    expect(config.requestTimeoutMs).toBe(30_000)
    expect(config.concurrencyLimit).toBeUndefined()
    expect(JSON.stringify(config)).not.toContain('nssecret')
  })

  it.each([
    [{ accountId: '1234567 SB1' }, 'accountId'],
    [{ baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ clientSecret: undefined }, 'clientSecret'],
    [{ concurrencyLimit: 0 }, 'concurrencyLimit'],
    [{ requestTimeoutMs: 1.5 }, 'requestTimeoutMs'],
    [{ deliveriesPerSecond: 0 }, 'deliveriesPerSecond'],
  ])('says what to fix: %j', (override, path) => {
    const error = configError(() => parseNetSuiteConnectionConfig({ ...netsuite, ...override }))
    expect(error.message).toContain(`${path}:`)
    expect(error.path).toBe(path)
  })

  it('documents every field', () => {
    const fields = netSuiteConfigFields()
    expect(fields.map((f) => [f.name, f.required, f.secret === true])).toEqual([
      ['accountId', true, false],
      ['baseUrl', false, false],
      ['clientId', false, false],
      ['clientSecret', false, true],
      ['consumerKey', false, false],
      ['consumerSecret', false, true],
      ['tokenId', false, false],
      ['tokenSecret', false, true],
      ['requestTimeoutMs', false, false],
      ['concurrencyLimit', false, false],
      ['deliveriesPerSecond', false, false],
    ])
  })
})
