/** @module test/observability/logger-factory.test — credentials never reach a log line. */
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/observability/logger-factory.ts'
import { Secret } from '../../src/secrets/secret-value.ts'

const SECRET_TEXT = 'shpat_0123456789abcdef'

function capture(): {
  lines: () => Record<string, unknown>[]
  raw: () => string
  stream: Writable
} {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'))
      callback()
    },
  })
  return {
    stream,
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

interface RedactedLine {
  req: { headers: Record<string, string> }
  connection: Record<string, string>
  target: { oauth: Record<string, string> }
}

describe('createLogger', () => {
  it('writes JSON lines with a level label, the base fields and an ISO time', () => {
    const out = capture()
    const logger = createLogger({
      level: 'info',
      destination: out.stream,
      base: { service: 'syncline' },
    })
    logger.debug('hidden')
    logger.info({ flow: 'order-to-netsuite' }, 'run completed')
    const [line] = out.lines()
    expect(out.lines()).toHaveLength(1)
    expect(line).toMatchObject({
      level: 'info',
      service: 'syncline',
      flow: 'order-to-netsuite',
      msg: 'run completed',
    })
    expect(String(line?.time)).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('prints Secret values as [REDACTED], wherever they sit and however they are formatted', () => {
    const out = capture()
    const logger = createLogger({ level: 'info', destination: out.stream })
    const secret = new Secret(SECRET_TEXT)
    logger.info({ credential: secret, connection: { auth: { value: secret } } }, 'nested')
    logger.info('interpolated %s and %o', secret, { secret })
    logger.error(
      { err: Object.assign(new Error('call failed'), { credential: secret }) },
      'with error',
    )
    expect(out.raw()).not.toContain(SECRET_TEXT)
    const [nested, interpolated] = out.lines()
    expect(nested?.credential).toBe('[REDACTED]')
    expect(interpolated?.msg).toContain('interpolated [REDACTED]')
  })

  it('redacts credential headers and credential-named fields by path', () => {
    const out = capture()
    const logger = createLogger({ level: 'info', destination: out.stream })
    logger.info(
      {
        req: {
          headers: {
            authorization: `Bearer ${SECRET_TEXT}`,
            cookie: `session=${SECRET_TEXT}`,
            'x-shopify-hmac-sha256': `${SECRET_TEXT}-hmac`,
            'x-shopify-access-token': SECRET_TEXT,
            'x-shopify-topic': 'orders/create',
          },
        },
        headers: { authorization: `Basic ${SECRET_TEXT}` },
        password: SECRET_TEXT,
        connection: { clientSecret: SECRET_TEXT, accessToken: SECRET_TEXT, name: 'main-store' },
        target: { oauth: { token: SECRET_TEXT, secret: SECRET_TEXT } },
      },
      'request',
    )
    expect(out.raw()).not.toContain(SECRET_TEXT)
    const [line] = out.lines() as unknown as [RedactedLine]
    expect(line.req.headers.authorization).toBe('[REDACTED]')
    expect(line.req.headers['x-shopify-hmac-sha256']).toBe('[REDACTED]')
    // Only what is sensitive goes: the rest of the line stays useful.
    expect(line.req.headers['x-shopify-topic']).toBe('orders/create')
    expect(line.connection).toEqual({
      clientSecret: '[REDACTED]',
      accessToken: '[REDACTED]',
      name: 'main-store',
    })
    expect(line.target.oauth).toEqual({ token: '[REDACTED]', secret: '[REDACTED]' })
  })

  it('rejects an unknown level at construction', () => {
    expect(() => createLogger({ level: 'loud' as 'info' })).toThrow()
  })
})
