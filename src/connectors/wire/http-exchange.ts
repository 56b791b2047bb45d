/** @module connectors/wire/http-exchange — one HTTP request/response with a deadline, and nothing else. */
// Connectors classify failures themselves; this module only records the facts a classifier needs: the
// error code from deep inside undici's error chain and which signal (ours or the caller's) fired.
import { request } from 'undici'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface HttpExchangeRequest {
  method: HttpMethod
  url: string
  headers: Record<string, string>
  body?: string
  /** The whole exchange (connect, send, headers and body) must finish within this. */
  timeoutMs: number
  /** The caller's cancellation, e.g. the engine aborting when a lease is lost. */
  signal?: AbortSignal | undefined
}

export type HttpHeaders = Record<string, string | string[] | undefined>

export interface HttpExchangeResponse {
  status: number
  headers: HttpHeaders
  body: string
}

/** A failure with no HTTP response. `code` is the most specific code found (ECONNREFUSED, UND_ERR_SOCKET…). */
export class HttpTransportError extends Error {
  readonly code: string | undefined
  /** Our own deadline fired. */
  readonly timedOut: boolean
  /** The caller's signal fired. */
  readonly abortedByCaller: boolean

  constructor(
    message: string,
    details: {
      code: string | undefined
      timedOut: boolean
      abortedByCaller: boolean
      cause: unknown
    },
  ) {
    super(message, { cause: details.cause })
    this.name = 'HttpTransportError'
    this.code = details.code
    this.timedOut = details.timedOut
    this.abortedByCaller = details.abortedByCaller
  }
}

/** The caller's signal was already aborted, so nothing was sent. */
export const ABORTED_BEFORE_SEND = 'ERR_ABORTED_BEFORE_SEND'

/** Sends one request and reads the whole body as text. Throws HttpTransportError, never a raw undici error. */
export async function httpExchange(req: HttpExchangeRequest): Promise<HttpExchangeResponse> {
  if (callerAborted(req.signal)) {
    throw new HttpTransportError(
      `${req.method} ${redactQuery(req.url)} not sent: aborted by the caller`,
      {
        code: ABORTED_BEFORE_SEND,
        timedOut: false,
        abortedByCaller: true,
        cause: req.signal?.reason,
      },
    )
  }
  // One controller for both causes, with the caller's listener removed afterwards: Node 20's
  // AbortSignal.any leaves a listener on the caller's long-lived signal for every request.
  const controller = new AbortController()
  const deadline = { aborted: false }
  const timer = setTimeout(() => {
    deadline.aborted = true
    controller.abort(new DOMException('request deadline passed', 'TimeoutError'))
  }, req.timeoutMs)
  const onCallerAbort = (): void => controller.abort(req.signal?.reason)
  req.signal?.addEventListener('abort', onCallerAbort, { once: true })
  const signal = controller.signal
  try {
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
    })
    const body = await response.body.text()
    return { status: response.statusCode, headers: response.headers, body }
  } catch (error) {
    // Re-read: the signal may have fired while the request was in flight.
    const abortedByCaller = callerAborted(req.signal)
    const timedOut = !abortedByCaller && deadline.aborted
    const code = findErrorCode(error)
    const what = abortedByCaller
      ? 'aborted by the caller'
      : timedOut
        ? `timed out after ${req.timeoutMs} ms`
        : `failed (${code ?? 'no error code'})`
    // The URL has no credentials in it (they travel in headers), so it is safe in the message.
    throw new HttpTransportError(`${req.method} ${redactQuery(req.url)} ${what}`, {
      code,
      timedOut,
      abortedByCaller,
      cause: error,
    })
  } finally {
    clearTimeout(timer)
    req.signal?.removeEventListener('abort', onCallerAbort)
  }
}

/** Case-insensitive single header value; repeated headers are joined as HTTP allows. */
export function headerValue(headers: HttpHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue
    return Array.isArray(value) ? value.join(', ') : value
  }
  return undefined
}

/** Finds the first `code` in an error, its `cause` chain or an AggregateError's members (Happy Eyeballs). */
export function findErrorCode(error: unknown): string | undefined {
  const queue: unknown[] = [error]
  for (let seen = 0; queue.length > 0 && seen < 16; seen++) {
    const current = queue.shift()
    if (typeof current !== 'object' || current === null) continue
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== '') return code
    if (current instanceof AggregateError) queue.push(...(current.errors as unknown[]))
    if (current instanceof Error && current.cause !== undefined) queue.push(current.cause)
  }
  return undefined
}

function callerAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

// Query strings can carry filters with customer data; the path is enough to identify the call.
function redactQuery(url: string): string {
  const at = url.indexOf('?')
  return at === -1 ? url : `${url.slice(0, at)}?…`
}
