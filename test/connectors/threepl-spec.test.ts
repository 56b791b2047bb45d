/** @module test/connectors/threepl-spec.test — the 3PL connection config: defaults, secrets that never echo, Standard Webhooks secret format, and the governance it yields. */
import { describe, expect, it } from 'vitest'
import { threeplConnectorSpec } from '../../src/connectors/threepl/threepl-connector-spec.ts'
import {
  parseThreePlConnectionConfig,
  threePlConfigFields,
} from '../../src/connectors/threepl/threepl-spec.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { Secret } from '../../src/secrets/secret-value.ts'

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`
const NEXT = `whsec_${Buffer.alloc(24, 2).toString('base64')}`
const valid = {
  baseUrl: 'https://api.wms.example.com/',
  apiKey: 'tpl_live_abc',
  webhookSecrets: [SECRET],
}

function refusal(input: unknown): HubError {
  try {
    parseThreePlConnectionConfig(input)
  } catch (error) {
    if (HubError.is(error)) return error
    throw error
  }
  throw new Error('the config parsed')
}

describe('3PL connection config', () => {
  it('fills the documented defaults and keeps every credential a Secret', () => {
    const config = parseThreePlConnectionConfig(valid)
    expect(config).toMatchObject({
      baseUrl: 'https://api.wms.example.com',
      requestTimeoutMs: 15_000,
      concurrencyLimit: 4,
      requestsPerSecond: 10,
      requestBurst: 50,
      staleAfterMs: 86_400_000,
    })
    expect(config.apiKey).toBeInstanceOf(Secret)
    expect(config.webhookSecrets.every((s) => s instanceof Secret)).toBe(true)
    expect(JSON.stringify(config)).not.toContain('tpl_live_abc')
    expect(JSON.stringify(config)).not.toContain(SECRET)
  })

  it('accepts two secrets during a rotation, given as strings or Secrets', () => {
    const config = parseThreePlConnectionConfig({
      ...valid,
      webhookSecrets: [new Secret(NEXT), SECRET],
    })
    expect(config.webhookSecrets.map((s) => s.reveal())).toEqual([NEXT, SECRET])
  })

  it('refuses a webhook secret that is not whsec_ base64 of 24–64 bytes, naming its position but not its value', () => {
    const shortOne = `whsec_${Buffer.alloc(16).toString('base64')}`
    for (const bad of ['shpss_0123456789abcdef', 'whsec_not*base64', shortOne]) {
      const error = refusal({ ...valid, webhookSecrets: [SECRET, bad] })
      expect(error.type).toBe('validation')
      expect(error.message).toContain(
        'webhookSecrets[1]: expected a Standard Webhooks signing secret',
      )
      expect(error.message).not.toContain(bad)
    }
    expect(refusal({ ...valid, webhookSecrets: [] }).message).toContain('webhookSecrets: list')
  })

  it('names every required field of an empty config, and refuses unknown fields', () => {
    const empty = refusal({})
    for (const field of ['baseUrl', 'apiKey', 'webhookSecrets']) {
      expect(empty.message).toContain(field)
    }
    expect(refusal({ ...valid, apiToken: 'x' }).message).toContain('apiToken')
    expect(refusal({ ...valid, concurrencyLimit: 0 }).path).toBe('concurrencyLimit')
  })

  it('documents every field and flags the API key and the webhook secrets as secrets', () => {
    const fields = threePlConfigFields()
    expect(fields.filter((f) => f.secret === true).map((f) => f.name)).toEqual([
      'apiKey',
      'webhookSecrets',
    ])
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual([
      'baseUrl',
      'apiKey',
      'webhookSecrets',
    ])
  })

  it('governs one target per WMS host with the configured concurrency and the bucket as a rate', () => {
    const config = parseThreePlConnectionConfig({
      ...valid,
      baseUrl: 'http://127.0.0.1:4010',
      concurrencyLimit: 3,
      requestsPerSecond: 4,
      requestBurst: 8,
    })
    expect(threeplConnectorSpec.governance(config)).toEqual({
      target: 'threepl:127.0.0.1:4010',
      concurrency: 3,
      rate: { perSecond: 4, burst: 8 },
    })
  })
})
