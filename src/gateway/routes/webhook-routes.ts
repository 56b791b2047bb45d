/** @module gateway/routes/webhook-routes — POST /webhooks/:system/:connection, the hub's front door.
 *
 * The order matters: find the connection (404) before reading anything, cap the body (413) while
 * reading, verify the signature over the exact bytes received (401), and answer 2xx only after the
 * message is durably stored, so that a source retries every message the hub might have lost.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { GatewayDeps, InboundAcceptance, WebhookReceiver } from '../gateway-deps.ts'
import { StoreUnavailableError } from '../../store/store-contract.ts'
import type { ErrorBody } from '../gateway-errors.ts'
import { GatewayHttpError, isStoreUnavailable, sendRetryLater } from '../gateway-errors.ts'

interface WebhookParams {
  system: string
  connection: string
}

type WebhookRequest = FastifyRequest<{ Params: WebhookParams }>

/** Credentials a client may send along; the inbox keeps headers for replay, never these. */
const UNSTORED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie'])

/** Node lower-cases header names already; repeated headers are joined as HTTP allows. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function findReceiver(deps: GatewayDeps, params: WebhookParams): WebhookReceiver {
  const receiver = deps.webhookReceiver(params.system, params.connection)
  if (receiver === undefined) {
    throw new GatewayHttpError(
      404,
      'unknown_connection',
      `no webhook connection '${params.system}/${params.connection}'; webhooks are received at ` +
        `POST /webhooks/<system>/<connection>, where <connection> is a connection name from the hub's configuration`,
    )
  }
  return receiver
}

/** HubError by class or by name, so an error from another module instance is still recognised. */
function hubErrorType(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'HubError') return undefined
  const type = (error as { type?: unknown }).type
  return typeof type === 'string' ? type : undefined
}

function acceptanceFields(acceptance: InboundAcceptance): Record<string, unknown> {
  return {
    sourceMessageId: acceptance.sourceMessageId,
    topic: acceptance.topic,
    businessKey: acceptance.businessKey,
    stale: acceptance.stale,
  }
}

async function receiveWebhook(
  deps: GatewayDeps,
  request: WebhookRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { system, connection } = request.params
  const receiver = findReceiver(deps, request.params)
  const where = { tenantId: receiver.tenantId, system, connection }
  const rawBody = request.body
  // No Content-Type and no body reaches here without a parser having run.
  if (!Buffer.isBuffer(rawBody)) {
    throw new GatewayHttpError(
      415,
      'unsupported_media_type',
      'send the webhook body as Content-Type: application/json',
    )
  }
  const headers = flattenHeaders(request.headers)

  let acceptance: InboundAcceptance
  try {
    acceptance = receiver.accept({ rawBody, headers, now: deps.clock.now() })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const type = hubErrorType(error)
    if (type === 'auth') {
      request.log.warn(
        { ...where, outcome: 'invalid_signature', reason: message },
        'webhook rejected',
      )
      return reply.code(401).send({ error: 'invalid_signature', message } satisfies ErrorBody)
    }
    if (type === 'validation') {
      request.log.warn(
        { ...where, outcome: 'invalid_message', reason: message },
        'webhook rejected',
      )
      return reply.code(400).send({ error: 'invalid_message', message } satisfies ErrorBody)
    }
    // A bug in a connector must not acknowledge the message: the source keeps it and retries.
    request.log.error({ ...where, err: error }, 'webhook receiver failed')
    return sendRetryLater(reply, 'not_stored', 'the hub could not process the webhook; retry later')
  }

  const fields = { ...where, ...acceptanceFields(acceptance) }
  const storedHeaders = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !UNSTORED_HEADERS.has(name)),
  )
  try {
    const result = await withinDeadline(
      (signal) =>
        deps.ingest(
          {
            tenantId: receiver.tenantId,
            sourceSystem: receiver.sourceSystem,
            connection,
            rawBody: rawBody.toString('utf8'),
            headers: storedHeaders,
            acceptance,
          },
          { signal },
        ),
      INGEST_DEADLINE_MS,
    )
    // Also for a duplicate: the first delivery may have been stored and then failed to signal.
    try {
      await signalWaitingRuns(deps, acceptance)
    } catch (error) {
      request.log.error(
        { ...fields, outcome: 'not_signalled', err: error },
        'webhook stored, but the waiting runs were not signalled',
      )
      return sendRetryLater(
        reply,
        'not_signalled',
        'the message was stored but its event could not be delivered; retry later',
      )
    }
    const status = result.duplicate ? 'duplicate' : 'accepted'
    request.log.info({ ...fields, outcome: status, runIds: result.runIds }, 'webhook stored')
    return reply.code(200).send({ status, runIds: result.runIds })
  } catch (error) {
    const unavailable = isStoreUnavailable(error)
    request.log[unavailable ? 'warn' : 'error'](
      { ...fields, outcome: 'not_stored', err: error },
      'webhook not stored',
    )
    return unavailable
      ? sendRetryLater(
          reply,
          'store_unavailable',
          'the store is unavailable; the message was not stored, retry later',
        )
      : sendRetryLater(reply, 'not_stored', 'the message could not be stored; retry later')
  }
}

/**
 * Hands the message's events to the runs waiting on them. Within the webhook's answer, like the
 * ingest: a failure here is a 503, the source retries, the inbox takes the repeat as a duplicate
 * and the signal, deduplicated by its event id, is tried again.
 */
async function signalWaitingRuns(deps: GatewayDeps, acceptance: InboundAcceptance): Promise<void> {
  const signals = acceptance.signals ?? []
  if (signals.length === 0) return
  if (deps.signal === undefined) {
    throw new Error(
      'this connection delivers events to waiting runs, but the gateway was built without a signal function (GatewayDeps.signal)',
    )
  }
  for (const signal of signals) {
    await withinDeadline(() => deps.signal?.(signal) ?? Promise.resolve(), INGEST_DEADLINE_MS)
  }
}

/**
 * How long a webhook waits for its commit. Under Shopify's 5 s delivery timeout, so a stalled
 * database (frozen, failing over) is answered with 503 + Retry-After rather than a hung socket. A
 * message still queued for its commit is then dropped; one already sent may still commit after the
 * answer: the source retries, and the inbox recognises the repeat.
 */
export const INGEST_DEADLINE_MS = 4_000

function withinDeadline<T>(start: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const abandon = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new StoreUnavailableError(
        `the store did not confirm the commit within ${ms} ms`,
      )
      abandon.abort(error)
      reject(error)
    }, ms)
  })
  const work = start(abandon.signal)
  // The late outcome of an abandoned ingest is in the log of the store, not an unhandled rejection.
  work.catch(() => undefined)
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}

export function registerWebhookRoutes(app: FastifyInstance, deps: GatewayDeps): void {
  // An encapsulated scope: the raw-buffer parser applies to webhooks only; the API keeps JSON parsing.
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers()
    // Buffer, not parsed JSON: the signature is over the exact bytes, and int64 ids must survive.
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: deps.bodyLimitBytes },
      (_request, body, parsed) => parsed(null, body),
    )
    scope.post<{ Params: WebhookParams }>(
      '/webhooks/:system/:connection',
      {
        bodyLimit: deps.bodyLimitBytes,
        // Before the body is read, so an unknown connection costs no upload.
        onRequest: (request, _reply, next) => {
          try {
            findReceiver(deps, request.params)
            next()
          } catch (error) {
            next(error as Error)
          }
        },
      },
      (request, reply) => receiveWebhook(deps, request, reply),
    )
    done()
  })
}
