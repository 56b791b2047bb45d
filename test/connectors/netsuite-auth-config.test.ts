/** @module test/connectors/netsuite-auth-config.test — a NetSuite connection authenticates one way, OAuth 2.0 or TBA, and the config error says what to add or remove. */
import { describe, expect, it } from 'vitest'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import {
  netSuiteConfigFields,
  parseNetSuiteConnectionConfig,
} from '../../src/connectors/netsuite/netsuite-spec.ts'
import { NetSuiteTokenProvider } from '../../src/connectors/netsuite/netsuite-token-provider.ts'

const account = { accountId: '1234567_SB1' }
const oauth2 = { clientId: 'client', clientSecret: 'client-secret-value' }
const tba = {
  consumerKey: 'consumer-key',
  consumerSecret: 'consumer-secret-value',
  tokenId: 'token-id',
  tokenSecret: 'token-secret-value',
}

function configError(input: unknown): HubError {
  try {
    parseNetSuiteConnectionConfig(input)
  } catch (error) {
    if (HubError.is(error) && error.type === 'validation') return error
    throw error
  }
  throw new Error('expected HubError.validation')
}

describe('NetSuite authentication config', () => {
  it('keeps an OAuth 2.0 config valid, as before', () => {
    const config = parseNetSuiteConnectionConfig({ ...account, ...oauth2 })
    expect(config.auth).toMatchObject({ method: 'oauth2', clientId: 'client' })
    expect(config.auth.method === 'oauth2' && config.auth.clientSecret.reveal()).toBe(
      'client-secret-value',
    )
  })

  it('accepts the four TBA fields instead, with both secrets wrapped', () => {
    const config = parseNetSuiteConnectionConfig({ ...account, ...tba })
    expect(config.auth).toMatchObject({
      method: 'tba',
      consumerKey: 'consumer-key',
      tokenId: 'token-id',
    })
    if (config.auth.method !== 'tba') throw new Error('expected TBA')
    expect(config.auth.consumerSecret).toBeInstanceOf(Secret)
    expect(config.auth.tokenSecret.reveal()).toBe('token-secret-value')
    expect(JSON.stringify(config)).not.toMatch(/secret-value/)
  })

  it('names both ways when neither is configured, and every other missing field too', () => {
    const error = configError({})
    for (const field of ['accountId', 'clientId', 'clientSecret', 'consumerKey', 'tokenSecret']) {
      expect(error.message).toContain(field)
    }
    expect(error.message).toMatch(/configure one way to authenticate/)
  })

  it('refuses both at once, pointing at the TBA fields', () => {
    const error = configError({ ...account, ...oauth2, ...tba })
    expect(error.path).toBe('consumerKey')
    expect(error.message).toContain('not both')
  })

  it.each([
    [{ clientId: 'client' }, 'clientSecret'],
    [{ clientSecret: 'x' }, 'clientId'],
    [{ ...tba, tokenSecret: undefined }, 'tokenSecret'],
    [{ consumerKey: 'k', consumerSecret: 's', tokenId: 't' }, 'tokenSecret'],
    [{ consumerKey: 'k' }, 'consumerSecret'],
  ])('names the missing half of a method: %j', (fields, missing) => {
    const error = configError({ ...account, ...fields })
    expect(error.path).toBe(missing)
    expect(error.message).toContain(`${missing}: ${missing} is missing`)
  })

  it('refuses an empty TBA secret without echoing anything', () => {
    const error = configError({ ...account, ...tba, consumerSecret: '' })
    expect(error.path).toBe('consumerSecret')
    expect(error.message).not.toContain('token-secret-value')
  })

  it('documents the six credential fields as optional, the four secrets flagged', () => {
    const fields = netSuiteConfigFields()
    const auth = fields.filter((f) =>
      [
        'clientId',
        'clientSecret',
        'consumerKey',
        'consumerSecret',
        'tokenId',
        'tokenSecret',
      ].includes(f.name),
    )
    expect(auth.map((f) => [f.name, f.required, f.secret === true])).toEqual([
      ['clientId', false, false],
      ['clientSecret', false, true],
      ['consumerKey', false, false],
      ['consumerSecret', false, true],
      ['tokenId', false, false],
      ['tokenSecret', false, true],
    ])
    for (const field of auth) expect(field.description).toMatch(/OAuth 2\.0|TBA|Token-based/)
  })

  it('has no OAuth 2.0 token provider for a TBA connection', () => {
    const config = parseNetSuiteConnectionConfig({ ...account, ...tba })
    expect(() => NetSuiteTokenProvider.fromConfig(config)).toThrow(/TBA/)
  })
})
