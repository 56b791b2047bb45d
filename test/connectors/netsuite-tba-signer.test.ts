/** @module test/connectors/netsuite-tba-signer.test — the TBA signer against RFC 5849's worked examples and an independently computed NetSuite signature, then against the simulator over HTTP. */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock } from '../../src/clock/clock.ts'
import { HubError, toErrorRecord } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'
import { NetSuiteClient } from '../../src/connectors/netsuite/netsuite-client.ts'
import { parseNetSuiteConnectionConfig } from '../../src/connectors/netsuite/netsuite-spec.ts'
import {
  NetSuiteTbaSigner,
  netsuiteRealm,
  oauthHmacSignature,
  signatureBaseString,
} from '../../src/connectors/netsuite/netsuite-tba-signer.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'

// `oauth-1.0a` is not installed, so the expected values come from RFC 5849's own text.
describe('RFC 5849 worked examples', () => {
  it('§3.4.1.1: the signature base string, byte for byte (query, header and form parameters)', () => {
    const base = signatureBaseString({
      method: 'POST',
      url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      oauthParams: [
        ['oauth_consumer_key', '9djdj82h48djs9d2'],
        ['oauth_token', 'kkk9d7dh3k39sjv7'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131201'],
        ['oauth_nonce', '7d8f3e4a'],
      ],
      formParams: [...new URLSearchParams('c2&a3=2+q')],
    })
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q' +
        '%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_' +
        'key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m' +
        'ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk' +
        '9d7dh3k39sjv7',
    )
  })

  it('§3.4.1.2: the base string URI drops the default port and lower-cases the host', () => {
    const uriOf = (url: string) =>
      signatureBaseString({ method: 'GET', url, oauthParams: [] }).split('&')[1]
    expect(uriOf('http://EXAMPLE.COM:80/r%20v/X?id=123')).toBe(
      encodeURIComponent('http://example.com/r%20v/X'),
    )
    expect(uriOf('https://www.example.net:8080/?q=1')).toBe(
      encodeURIComponent('https://www.example.net:8080/'),
    )
  })

  it('§1.2: the photo request signs to MdpQcU8iPSUjWoN/UDMsK2sui9I=', () => {
    const base = signatureBaseString({
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      oauthParams: [
        ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
        ['oauth_token', 'nnch734d00sl2jdk'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131202'],
        ['oauth_nonce', 'chapoH'],
      ],
    })
    expect(oauthHmacSignature('HMAC-SHA1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    )
  })
})

describe('NetSuiteTbaSigner', () => {
  const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'))
  const signer = new NetSuiteTbaSigner(
    {
      accountId: '1234567-sb1',
      consumerKey: 'ck',
      consumerSecret: new Secret('c s&1'),
      tokenId: 'tk',
      tokenSecret: new Secret('t/2'),
    },
    { clock, nonce: () => 'abcdef123456' },
  )
  const url =
    'https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/record/v1/customer/eid:SHOPIFY-C-1?expandSubResources=true'

  const parse = (header: string): Map<string, string> =>
    new Map(
      [...header.replace(/^OAuth /, '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [
        m[1] ?? '',
        decodeURIComponent(m[2] ?? ''),
      ]),
    )

  it('sends realm, the six protocol parameters and an HMAC-SHA256 signature computed independently', () => {
    const header = signer.authorization('GET', url)
    expect(header.startsWith('OAuth realm="1234567_SB1", oauth_consumer_key="ck"')).toBe(true)
    const params = parse(header)
    expect(Object.fromEntries(params)).toMatchObject({
      realm: '1234567_SB1',
      oauth_consumer_key: 'ck',
      oauth_token: 'tk',
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: '1767225600',
      oauth_nonce: 'abcdef123456',
      oauth_version: '1.0',
    })
    // Written out by hand from RFC 5849 §3.4.1, then signed with node:crypto directly.
    const base =
      'GET&https%3A%2F%2F1234567-sb1.suitetalk.api.netsuite.com%2Fservices%2Frest%2Frecord%2Fv1%2Fcustomer%2Feid%3ASHOPIFY-C-1' +
      '&expandSubResources%3Dtrue%26oauth_consumer_key%3Dck%26oauth_nonce%3Dabcdef123456' +
      '%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1767225600%26oauth_token%3Dtk%26oauth_version%3D1.0'
    const expected = createHmac('sha256', 'c%20s%261&t%2F2').update(base).digest('base64')
    expect(params.get('oauth_signature')).toBe(expected)
    expect(header).not.toContain('c s&1')
  })

  it('signs each request afresh: a new nonce and the current timestamp', () => {
    let n = 0
    const counting = new NetSuiteTbaSigner(
      {
        accountId: '1',
        consumerKey: 'ck',
        consumerSecret: new Secret('cs'),
        tokenId: 'tk',
        tokenSecret: new Secret('ts'),
      },
      { clock, nonce: () => `nonce00${++n}` },
    )
    const first = parse(counting.authorization('GET', url))
    clock.advance(5_000)
    const second = parse(counting.authorization('GET', url))
    expect(second.get('oauth_nonce')).not.toBe(first.get('oauth_nonce'))
    expect(Number(second.get('oauth_timestamp')) - Number(first.get('oauth_timestamp'))).toBe(5)
    expect(second.get('oauth_signature')).not.toBe(first.get('oauth_signature'))
    const byDefault = new NetSuiteTbaSigner({
      accountId: '1',
      consumerKey: 'k',
      consumerSecret: new Secret('s'),
      tokenId: 't',
      tokenSecret: new Secret('s'),
    })
    const nonces = [1, 2].map((): string | undefined =>
      parse(byDefault.authorization('GET', url)).get('oauth_nonce'),
    )
    expect(nonces[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(nonces[1]).not.toBe(nonces[0])
  })

  it('derives the realm NetSuite expects from any spelling of the account id', () => {
    expect(netsuiteRealm('1234567_sb1')).toBe('1234567_SB1')
    expect(netsuiteRealm('1234567-SB1')).toBe('1234567_SB1')
    expect(netsuiteRealm('TSTDRV1234567')).toBe('TSTDRV1234567')
  })
})

describe('NetSuiteClient with TBA × NetSuite simulator', () => {
  const sim = createNetSuiteSimulator({ seed: 41 })
  const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token'
  const clientWith = (tokenSecret: string) =>
    new NetSuiteClient(
      parseNetSuiteConnectionConfig({
        accountId: sim.accountId,
        baseUrl: sim.baseUrl,
        consumerKey: sim.tba.consumerKey,
        consumerSecret: sim.tba.consumerSecret,
        tokenId: sim.tba.tokenId,
        tokenSecret,
        requestTimeoutMs: 5_000,
      }),
    )

  beforeAll(() => sim.start())
  afterAll(() => sim.stop())
  beforeEach(() => sim.reset())

  it('reads, writes and queries with signed requests and never asks for a token', async () => {
    const client = clientWith(sim.tba.tokenSecret)
    const { id } = await client.upsertByExternalId('customer', 'TBA/1 ?#', {
      companyName: 'Zoë Ærøskøbing',
    })
    expect(await client.getByExternalId('customer', 'TBA/1 ?#')).toMatchObject({ id })
    expect((await client.getGovernanceLimits()).accountConcurrencyLimit).toBeGreaterThan(0)
    expect(
      await client.suiteqlAll("SELECT id, companyname FROM customer WHERE companyname LIKE 'Zo%'"),
    ).toEqual([{ id, companyname: 'Zoë Ærøskøbing' }])
    expect(sim.requests().filter((r) => r.path === TOKEN_PATH)).toEqual([])
    expect(sim.loginAudit()).toEqual([])
  })

  it('reports a wrong token secret as auth after one freshly signed retry, leaking no secret', async () => {
    const error = await clientWith('not-the-token-secret')
      .getByExternalId('customer', 'X')
      .catch((e: unknown) => e)
    expect(HubError.is(error) && error.type).toBe('auth')
    expect(sim.loginAudit().map((a) => [a.method, a.detail])).toEqual([
      ['TBA', 'InvalidSignature'],
      ['TBA', 'InvalidSignature'],
    ])
    const stored = JSON.stringify(toErrorRecord(error))
    expect(stored).not.toContain('not-the-token-secret')
    expect(stored).not.toContain(sim.tba.consumerSecret)
  })
})
