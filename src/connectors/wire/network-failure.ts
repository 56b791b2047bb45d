/** @module connectors/wire/network-failure — was a failed request possibly seen by the server? */
import { ABORTED_BEFORE_SEND, HttpTransportError, findErrorCode } from './http-exchange.ts'

/**
 * `not_sent`: the connection never carried the request (refused, unknown host, connect timeout, TLS
 * handshake failure), so repeating it cannot duplicate an effect.
 * `maybe_sent`: the request may have reached the server (reset, socket closed, response timeout, our
 * deadline or the caller's abort), so a write's outcome is unknown. Unknown codes land here: guessing
 * "not sent" wrongly would duplicate a write, guessing "maybe sent" wrongly only costs a read.
 */
export type NetworkFailureStage = 'not_sent' | 'maybe_sent'

export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
])

export function networkFailureStage(error: unknown): NetworkFailureStage {
  if (error instanceof HttpTransportError && error.code === ABORTED_BEFORE_SEND) return 'not_sent'
  if (error instanceof HttpTransportError && (error.timedOut || error.abortedByCaller)) {
    return 'maybe_sent'
  }
  const code = error instanceof HttpTransportError ? error.code : findErrorCode(error)
  return code !== undefined && NOT_SENT_CODES.has(code) ? 'not_sent' : 'maybe_sent'
}
