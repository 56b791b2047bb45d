/** @module observability/log-redaction — which log fields are censored before a line is written. */

/** What a censored value prints as; the same text `Secret` prints, so logs read consistently. */
export const REDACTED = '[REDACTED]'

/**
 * Headers that carry credentials or signatures. A signature is not a secret by itself, but with the
 * body it lets anyone replay a webhook, so it never reaches a log line either.
 */
const SENSITIVE_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-shopify-hmac-sha256',
  'x-shopify-access-token',
]

/** Object keys whose value is a credential wherever it appears (config, errors, request options). */
const SENSITIVE_KEYS = [
  'secret',
  'clientSecret',
  'consumerSecret',
  'tokenSecret',
  'accessToken',
  'refreshToken',
  'password',
  'token',
  'apiKey',
  'privateKey',
]

/** Where headers show up in our log objects: Fastify's `req`/`res`, or a bare `headers` field. */
const HEADER_CONTAINERS = ['headers', 'req.headers', 'res.headers', '*.headers']

/**
 * pino `redact` paths (fast-redact syntax). `*` matches one level, so each key is listed at the top
 * level, one level down and two levels down: deep enough for `{ connection: { auth: { token } } }`
 * without the cost of scanning every object recursively on every line.
 */
export const REDACT_PATHS: readonly string[] = [
  ...HEADER_CONTAINERS.flatMap((container) =>
    SENSITIVE_HEADERS.map((header) => `${container}["${header}"]`),
  ),
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
]
