/** @module gateway/gateway-errors — every error leaves the gateway as `{ error, message }` JSON.
 *
 * Callers (operators with curl, the CLI, a webhook source's retry logic) act on the status and the
 * code; the message says what to fix. Internal details stay in the log, keyed by request id.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { lingerBeforeClose } from './lingering-close.ts'

/** Seconds a source or client should wait before retrying when the store is unavailable. */
export const RETRY_AFTER_SECONDS = 5

/** Longest path parameter the router accepts (Fastify's default); ids are at most 19 digits. */
export const MAX_PARAM_LENGTH = 100

export interface ErrorBody {
  error: string
  message: string
}

/** An error a route raises on purpose: its status, code and message go to the client as they are. */
export class GatewayHttpError extends Error {
  readonly status: number
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'GatewayHttpError'
    this.status = status
    this.code = code
  }
}

/** By name as well as class: the store driver may be loaded through another module instance. */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name === 'StoreUnavailableError'
}

/** Fastify's own errors carry `code` (FST_ERR_...) and `statusCode`. */
function fastifyErrorFields(error: unknown): { code?: string; statusCode?: number } {
  if (typeof error !== 'object' || error === null) return {}
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown }
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
  }
}

function clientErrorBody(request: FastifyRequest, error: unknown, status: number): ErrorBody {
  const { code } = fastifyErrorFields(error)
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        error: 'payload_too_large',
        message: `the request body is larger than the limit of ${request.routeOptions.bodyLimit ?? 'the configured'} bytes`,
      }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        error: 'unsupported_media_type',
        message: `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json`,
      }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: 'invalid_json', message: 'the request body is not valid JSON' }
    default:
      return {
        error: status === 404 ? 'not_found' : 'bad_request',
        message: error instanceof Error ? error.message : String(error),
      }
  }
}

/** 503 with Retry-After: the request may succeed later, so a webhook source keeps it and retries. */
export function sendRetryLater(reply: FastifyReply, code: string, message: string): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', String(RETRY_AFTER_SECONDS))
    .send({ error: code, message } satisfies ErrorBody)
}

/**
 * Errors Fastify's router raises before any route or error handler runs: an over-long path
 * parameter (414) or an undecodable URL (400). Fastify's own body echoes the URL; ours does not, so
 * a hostile path is neither reflected to the client nor copied into proxies' error logs.
 */
export function frameworkErrorBody(error: FastifyError): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        status: 414,
        body: {
          error: 'uri_too_long',
          message: `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
        },
      }
    case 'FST_ERR_BAD_URL':
      return {
        status: 400,
        body: { error: 'bad_request', message: 'the URL path is not validly percent-encoded' },
      }
    default:
      return {
        status: 500,
        body: { error: 'internal', message: 'unexpected error while routing the request' },
      }
  }
}

export function sendFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { status, body } = frameworkErrorBody(error)
  // No route matched, so the app's onSend hook does not run: echo the request id here.
  void reply.header('x-request-id', request.id)
  // The code only: the error's message holds the whole path.
  request.log[status >= 500 ? 'error' : 'info'](
    { code: error.code },
    'request rejected by the router',
  )
  void reply.code(status).send(body)
}

export function installErrorHandlers(app: FastifyInstance, lingerMs: number): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof GatewayHttpError) {
      return reply.code(error.status).send({ error: error.code, message: error.message })
    }
    if (isStoreUnavailable(error)) {
      request.log.warn({ err: error }, 'store unavailable')
      return sendRetryLater(
        reply,
        'store_unavailable',
        `the store is unavailable; retry in ${RETRY_AFTER_SECONDS} s`,
      )
    }
    const { statusCode } = fastifyErrorFields(error)
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      request.log.info({ err: error }, 'request rejected')
      if (statusCode === 413 || statusCode === 415) {
        // The body was not read: close the connection so the client cannot keep streaming into it.
        reply.header('connection', 'close')
        lingerBeforeClose(request.raw.socket, lingerMs)
      }
      return reply.code(statusCode).send(clientErrorBody(request, error, statusCode))
    }
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({
      error: 'internal',
      message: `unexpected error; see the hub log for request id ${request.id}`,
    } satisfies ErrorBody)
  })

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      error: 'not_found',
      message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}; the API lives under /api/v1, webhooks under POST /webhooks/<system>/<connection>`,
    } satisfies ErrorBody)
  })
}
