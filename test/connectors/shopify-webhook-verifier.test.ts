/** @module test/connectors/shopify-webhook-verifier — HMAC over raw bytes, strict header decoding, secret rotation. */
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Secret } from '../../src/secrets/secret-value.ts'
import {
  parseShopifyConnectionConfig,
  validWebhookSecrets,
} from '../../src/connectors/shopify/shopify-spec.ts'
import { verifyShopifyHmac } from '../../src/connectors/shopify/shopify-webhook-verifier.ts'

const rawBody = readFileSync(
  new URL('./fixtures/shopify-order-create.payload.json', import.meta.url),
)
const secret = new Secret('shpss_current_secret')
const sign = (body: Buffer, key: string): string =>
  createHmac('sha256', key).update(body).digest('base64')
const validHeader = sign(rawBody, 'shpss_current_secret')

describe('verifyShopifyHmac', () => {
  it('accepts a valid signature over the raw bytes', () => {
    expect(verifyShopifyHmac({ rawBody, hmacHeader: validHeader, secrets: [secret] })).toEqual({
      ok: true,
      secretIndex: 0,
    })
  })

  it('rejects a signature made with another secret', () => {
    const header = sign(rawBody, 'shpss_someone_else')
    expect(verifyShopifyHmac({ rawBody, hmacHeader: header, secrets: [secret] })).toEqual({
      ok: false,
      reason: 'mismatch',
    })
  })

  it('rejects the body with one byte flipped', () => {
    const tampered = Buffer.from(rawBody)
    tampered[100] = (tampered[100] ?? 0) ^ 0x01
    expect(
      verifyShopifyHmac({ rawBody: tampered, hmacHeader: validHeader, secrets: [secret] }),
    ).toEqual({ ok: false, reason: 'mismatch' })
  })

  it('rejects a re-serialised body even though it is the same JSON', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(rawBody.toString('utf8'))))
    expect(
      verifyShopifyHmac({ rawBody: reserialised, hmacHeader: validHeader, secrets: [secret] }),
    ).toEqual({ ok: false, reason: 'mismatch' })
  })

  it.each([
    ['absent', undefined, 'missing'],
    ['empty', '', 'missing'],
    ['blank', '   ', 'missing'],
    ['not base64', 'not*base64!', 'malformed'],
    [
      'hex digest',
      createHmac('sha256', 'shpss_current_secret').update(rawBody).digest('hex'),
      'malformed',
    ],
    ['truncated (padding dropped)', validHeader.slice(0, -1), 'malformed'],
    ['truncated (4 chars short)', validHeader.slice(0, -4), 'malformed'],
    ['url-safe alphabet', `-${validHeader.slice(1)}`, 'malformed'],
    [
      'with embedded whitespace',
      `${validHeader.slice(0, 10)} ${validHeader.slice(10)}`,
      'malformed',
    ],
    ['too long', `${validHeader.slice(0, -1)}AAAA`, 'malformed'],
  ] as const)('rejects a header that is %s', (_name, hmacHeader, reason) => {
    expect(verifyShopifyHmac({ rawBody, hmacHeader, secrets: [secret] })).toEqual({
      ok: false,
      reason,
    })
  })

  it('throws when given a parsed body instead of raw bytes', () => {
    expect(() =>
      verifyShopifyHmac({
        rawBody: rawBody.toString('utf8') as unknown as Buffer,
        hmacHeader: validHeader,
        secrets: [secret],
      }),
    ).toThrow(TypeError)
  })

  it('never puts the secret in its result', () => {
    const result = verifyShopifyHmac({ rawBody, hmacHeader: validHeader, secrets: [secret] })
    expect(JSON.stringify(result)).not.toContain('shpss_current_secret')
  })
})

describe('secret rotation', () => {
  const rotatedAt = Date.parse('2026-03-01T12:00:00Z')
  const config = parseShopifyConnectionConfig({
    shopDomain: 'acme.myshopify.com',
    apiVersion: '2026-01',
    accessToken: 'shpat_x',
    webhookSecrets: [
      { secret: 'shpss_old' },
      { secret: 'shpss_new', activeFrom: '2026-03-01T12:00:00Z' },
    ],
  })
  const verifyAt = (now: number, key: string) =>
    verifyShopifyHmac({
      rawBody,
      hmacHeader: sign(rawBody, key),
      secrets: config.webhookSecrets,
      now,
      rotationWindowMs: config.rotationWindowMs,
    })

  it('accepts the old secret inside the rotation window', () => {
    expect(verifyAt(rotatedAt + 59 * 60_000, 'shpss_old')).toEqual({ ok: true, secretIndex: 0 })
    expect(verifyAt(rotatedAt + 59 * 60_000, 'shpss_new')).toEqual({ ok: true, secretIndex: 1 })
  })

  it('rejects the old secret once the window has passed', () => {
    expect(verifyAt(rotatedAt + 60 * 60_000, 'shpss_old')).toEqual({
      ok: false,
      reason: 'mismatch',
    })
    expect(verifyAt(rotatedAt + 60 * 60_000, 'shpss_new')).toEqual({ ok: true, secretIndex: 1 })
  })

  it('does not accept a secret before it becomes active', () => {
    expect(verifyAt(rotatedAt - 1, 'shpss_new')).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyAt(rotatedAt - 1, 'shpss_old')).toEqual({ ok: true, secretIndex: 0 })
  })

  it('reports no_valid_secret when every secret is scheduled for later', () => {
    const result = verifyShopifyHmac({
      rawBody,
      hmacHeader: validHeader,
      secrets: [{ secret, activeFrom: '2030-01-01T00:00:00Z' }],
      now: rotatedAt,
      rotationWindowMs: 3_600_000,
    })
    expect(result).toEqual({ ok: false, reason: 'no_valid_secret' })
  })

  it('orders secrets by activeFrom, not by list position', () => {
    const later = Date.parse('2026-06-01T00:00:00Z')
    const entries = [
      { secret: new Secret('c'), activeFrom: '2026-06-01T00:00:00Z' },
      { secret: new Secret('a') },
      { secret: new Secret('b'), activeFrom: '2026-03-01T12:00:00Z' },
    ]
    expect(validWebhookSecrets(entries, later + 1, 3_600_000).map((s) => s.index)).toEqual([2, 0])
    expect(validWebhookSecrets(entries, later + 3_600_000, 3_600_000).map((s) => s.index)).toEqual([
      0,
    ])
  })
})
