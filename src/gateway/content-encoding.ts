/** @module gateway/content-encoding — bodies are accepted uncompressed only; anything else is 415.
 *
 * The gateway never inflates a body: a 1 MiB gzip member can hold 1 GiB, and the byte limits and
 * the webhook signature are about the bytes on the wire. Treating compressed bytes as identity would
 * answer a misleading 400 (or accept a mislabelled body), so a coding it does not decode is refused
 * (RFC 9110 §15.5.16), before the body is read.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { ErrorBody } from './gateway-errors.ts'
import { lingerBeforeClose } from './lingering-close.ts'

export const UNSUPPORTED_CONTENT_ENCODING: ErrorBody = {
  error: 'unsupported_content_encoding',
  message: 'send the body uncompressed (Content-Encoding: identity)',
}

/** Absent, or only `identity` (in any case, possibly listed more than once). */
export function isIdentityEncoding(header: string | undefined): boolean {
  if (header === undefined) return true
  return header.split(',').every((coding) => {
    const name = coding.trim().toLowerCase()
    return name === '' || name === 'identity'
  })
}

/** Content-Encoding describes a body; a request that announces none has nothing to decode. */
function announcesBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true
  const length = headers['content-length']
  return length !== undefined && length !== '0'
}

export function installContentEncodingGuard(app: FastifyInstance, lingerMs: number): void {
  // onRequest runs before any content-type parser, so not a byte of the body is read.
  app.addHook('onRequest', (request, reply, done) => {
    const { headers } = request
    if (!announcesBody(headers) || isIdentityEncoding(headers['content-encoding'])) {
      done()
      return
    }
    request.log.info(
      { contentEncoding: headers['content-encoding'] },
      'request rejected: unsupported Content-Encoding',
    )
    // The body stays unread: close the connection so the client cannot keep streaming into it.
    void reply.header('connection', 'close')
    lingerBeforeClose(request.raw.socket, lingerMs)
    void reply.code(415).send(UNSUPPORTED_CONTENT_ENCODING)
  })
}
