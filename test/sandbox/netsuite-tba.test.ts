/** @module test/sandbox/netsuite-tba.test — token-based authentication (OAuth 1.0a) at the NetSuite simulator: RFC 5849 vectors, real signatures over HTTP, nonce replay, clock skew, NetSuite's 401. */

import { createHmac, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  baseStringUri,
  hmacSignature,
  parseOAuthHeader,
  signatureBaseString,
} from '../../src/sandbox/netsuite/netsuite-tba.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { netsuiteClient } from './sandbox-test-kit.ts'

const R = '/services/rest/record/v1'

// RFC 5849 written out again for the test, so neither the simulator's nor the connector's code
// checks itself. It is proven against the RFC's own worked example before it signs anything.
const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

interface Signing {
  method: string
  url: string
  oauth: Record<string, string>
  consumerSecret: string
  tokenSecret: string
  algorithm: 'sha1' | 'sha256'
}

function handSignature(s: Signing): string {
  const url = new URL(s.url)
  const pairs = [...url.searchParams, ...Object.entries(s.oauth)]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a = '', b = ''], [c = '', d = '']) => (a === c ? (b < d ? -1 : 1) : a < c ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
  const base = `${s.method}&${enc(`${url.protocol}//${url.host}${url.pathname}`)}&${enc(pairs.join('&'))}`
  return createHmac(s.algorithm, `${enc(s.consumerSecret)}&${enc(s.tokenSecret)}`)
    .update(base)
    .digest('base64')
}

let sim: NetSuiteSimulator

function tbaHeader(
  method: string,
  url: string,
  overrides: {
    realm?: string
    tokenSecret?: string
    timestamp?: number
    nonce?: string
    signatureMethod?: string
  } = {},
): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: sim.tba.consumerKey,
    oauth_token: sim.tba.tokenId,
    oauth_signature_method: overrides.signatureMethod ?? 'HMAC-SHA256',
    oauth_timestamp: String(overrides.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: overrides.nonce ?? randomBytes(12).toString('hex'),
    oauth_version: '1.0',
  }
  const signature = handSignature({
    method,
    url,
    oauth,
    consumerSecret: sim.tba.consumerSecret,
    tokenSecret: overrides.tokenSecret ?? sim.tba.tokenSecret,
    algorithm: 'sha256',
  })
  const fields = { ...oauth, oauth_signature: signature }
  const realm = overrides.realm ?? sim.accountId
  return `OAuth realm="${realm}", ${Object.entries(fields)
    .map(([k, v]) => `${k}="${enc(v)}"`)
    .join(', ')}`
}

const signedFetch = (method: string, path: string, body?: unknown, header?: string) => {
  const url = `${sim.baseUrl}${path}`
  return fetch(url, {
    method,
    headers: {
      authorization: header ?? tbaHeader(method, url),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

const lastFailure = () => sim.loginAudit().at(-1)?.detail

beforeAll(async () => {
  sim = createNetSuiteSimulator({ seed: 11 })
  await sim.start()
})
afterAll(() => sim.stop())
beforeEach(() => sim.reset())

describe('RFC 5849 vectors', () => {
  it("the test's own signer reproduces the RFC's §1.2 worked example", () => {
    const signature = handSignature({
      method: 'GET',
      url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
      oauth: {
        oauth_consumer_key: 'dpf43f3p2l4k3l03',
        oauth_token: 'nnch734d00sl2jdk',
        oauth_signature_method: 'HMAC-SHA1',
        oauth_timestamp: '137131202',
        oauth_nonce: 'chapoH',
      },
      consumerSecret: 'kd94hf93k423kf44',
      tokenSecret: 'pfkkdhi9sl3r4s00',
      algorithm: 'sha1',
    })
    expect(signature).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=')
  })

  it("the simulator's base string is §3.4.1.1's, byte for byte, and its URIs §3.4.1.2's", () => {
    const header = parseOAuthHeader(
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
    )
    expect(header?.get('oauth_signature')).toBe('bYT5CMsGcbgUdFHObYMEfcx6bsw=')
    const params = [
      ...new URLSearchParams('b5=%3D%253D&a3=a&c%40=&a2=r%20b'),
      ...[...(header ?? [])].filter(([k]) => k !== 'realm' && k !== 'oauth_signature'),
      ...new URLSearchParams('c2&a3=2+q'), // the form body
    ]
    expect(
      signatureBaseString('POST', baseStringUri('http', 'example.com', '/request'), params),
    ).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q' +
        '%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_' +
        'key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m' +
        'ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk' +
        '9d7dh3k39sjv7',
    )
    expect(baseStringUri('http', 'EXAMPLE.COM:80', '/r%20v/X')).toBe('http://example.com/r%20v/X')
    expect(baseStringUri('https', 'www.example.net:8080', '/')).toBe(
      'https://www.example.net:8080/',
    )
  })

  it("the simulator's HMAC reproduces §1.2's signature", () => {
    const base = signatureBaseString(
      'GET',
      baseStringUri('http', 'photos.example.net', '/photos'),
      [
        ['file', 'vacation.jpg'],
        ['size', 'original'],
        ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
        ['oauth_token', 'nnch734d00sl2jdk'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131202'],
        ['oauth_nonce', 'chapoH'],
      ],
    )
    expect(hmacSignature('sha1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    )
  })
})

describe('TBA over HTTP', () => {
  it('accepts a correctly signed read, with its query parameters in the signature', async () => {
    const response = await signedFetch(
      'GET',
      `${R}/inventoryItem/eid:SKU-1?expandSubResources=true`,
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ externalId: 'SKU-1' })
    expect(sim.loginAudit()).toEqual([])
  })

  it('refuses a query parameter that was not signed', async () => {
    const signedFor = `${sim.baseUrl}${R}/inventoryItem/eid:SKU-1`
    const response = await signedFetch(
      'GET',
      `${R}/inventoryItem/eid:SKU-1?expandSubResources=true`,
      undefined,
      tbaHeader('GET', signedFor),
    )
    expect(response.status).toBe(401)
    expect(lastFailure()).toBe('InvalidSignature')
  })

  it('accepts a signed create (a JSON body is not part of the signature) and a signed SuiteQL query', async () => {
    const created = await signedFetch('POST', `${R}/customer`, {
      externalId: 'TBA-1',
      companyName: 'Signed Co',
    })
    expect(created.status).toBe(204)
    const url = `${sim.baseUrl}/services/rest/query/v1/suiteql?limit=5&offset=0`
    const query = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: tbaHeader('POST', url),
        prefer: 'transient',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        q: "SELECT id, companyname FROM customer WHERE externalid = 'TBA-1'",
      }),
    })
    expect(query.status).toBe(200)
    expect(await query.json()).toMatchObject({ count: 1, items: [{ companyname: 'Signed Co' }] })
  })

  it('answers a wrong signature with 401 and NetSuite’s error body', async () => {
    const url = `${sim.baseUrl}${R}/customer/eid:NONE`
    const response = await signedFetch(
      'GET',
      `${R}/customer/eid:NONE`,
      undefined,
      tbaHeader('GET', url, { tokenSecret: 'wrong' }),
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toContain(
      'application/vnd.oracle.resource+json; type=error',
    )
    expect(await response.json()).toEqual({
      type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2',
      title: 'Unauthorized',
      status: 401,
      'o:errorDetails': [
        {
          detail: expect.stringContaining('Invalid login attempt'),
          'o:errorCode': 'INVALID_LOGIN',
        },
      ],
    })
    expect(sim.loginAudit()).toEqual([
      {
        at: expect.any(String),
        method: 'TBA',
        path: `${R}/customer/eid:NONE`,
        detail: 'InvalidSignature',
      },
    ])
  })

  it('rejects a replayed nonce, and accepts the same request with a fresh one', async () => {
    const path = `${R}/inventoryItem/eid:SKU-2`
    const header = tbaHeader('GET', `${sim.baseUrl}${path}`)
    expect((await signedFetch('GET', path, undefined, header)).status).toBe(200)
    expect((await signedFetch('GET', path, undefined, header)).status).toBe(401)
    expect(lastFailure()).toBe('NonceUsed')
    expect((await signedFetch('GET', path)).status).toBe(200)
  })

  it.each([
    ['a realm that is not the account', { realm: 'OTHER' }, 'InvalidAccount'],
    ['the realm in lower case', { realm: 'tstdrv1234567' }, 'InvalidAccount'],
    [
      'HMAC-SHA1, which NetSuite no longer accepts',
      { signatureMethod: 'HMAC-SHA1' },
      'UnsupportedSignatureMethod',
    ],
    ['a nonce shorter than six characters', { nonce: 'abc12' }, 'InvalidNonce'],
    ['a nonce that is not alphanumeric', { nonce: 'abc-123-def' }, 'InvalidNonce'],
  ])('refuses %s', async (_name, overrides, reason) => {
    const path = `${R}/inventoryItem/eid:SKU-3`
    const header = tbaHeader('GET', `${sim.baseUrl}${path}`, overrides)
    expect((await signedFetch('GET', path, undefined, header)).status).toBe(401)
    expect(lastFailure()).toBe(reason)
  })

  it('accepts OAuth 2.0 Bearer tokens and TBA side by side', async () => {
    const bearer = await netsuiteClient(sim)
    expect((await bearer.call('GET', `${R}/inventoryItem/eid:SKU-4`)).status).toBe(200)
    expect((await signedFetch('GET', `${R}/inventoryItem/eid:SKU-4`)).status).toBe(200)
    const neither = await fetch(`${sim.baseUrl}${R}/inventoryItem/eid:SKU-4`)
    expect(neither.status).toBe(401)
    expect(lastFailure()).toBe('MissingAuthorization')
  })
})

describe('TBA timestamps', () => {
  it('allows five minutes of clock skew either way, and not a second more', async () => {
    const clock = Date.parse('2026-01-10T12:00:00Z')
    const timed = createNetSuiteSimulator({ seed: 12, now: () => clock })
    await timed.start()
    const saved = sim
    sim = timed
    try {
      const path = `${R}/inventoryItem/eid:SKU-1`
      const at = (skewSeconds: number) =>
        signedFetch(
          'GET',
          path,
          undefined,
          tbaHeader('GET', `${timed.baseUrl}${path}`, { timestamp: clock / 1000 + skewSeconds }),
        )
      expect((await at(-300)).status).toBe(200)
      expect((await at(300)).status).toBe(200)
      expect((await at(-301)).status).toBe(401)
      expect(timed.loginAudit().at(-1)?.detail).toBe('InvalidTimestamp')
      expect((await at(301)).status).toBe(401)
      expect(timed.loginAudit().at(-1)?.detail).toBe('InvalidTimestamp')
    } finally {
      sim = saved
      await timed.stop()
    }
  })
})
