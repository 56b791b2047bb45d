/** @module sandbox/kit/sim-response — a response as plain data, so the fault gate can hold it back, replay it or throw it away. */

import type { FastifyReply } from 'fastify'

export interface SimResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** Already serialised: the simulators control the exact bytes (e.g. int64 ids as JSON digits). */
  readonly body?: string
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType = 'application/json; charset=utf-8',
): SimResponse {
  return {
    status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(body),
  }
}

export function emptyResponse(
  status: number,
  headers: Readonly<Record<string, string>> = {},
): SimResponse {
  return { status, headers }
}

/** Writes a SimResponse through Fastify; the body bytes go out exactly as given. */
export function sendSim(reply: FastifyReply, response: SimResponse): FastifyReply {
  reply.code(response.status)
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value)
  return response.body === undefined ? reply.send() : reply.send(response.body)
}
