/** @module test/sandbox/salesforce-test-kit — a plain-fetch Salesforce client for the simulator tests: a session from the token endpoint, REST calls, /__sim calls. */

import type { SalesforceSimulator } from '../../src/sandbox/salesforce/salesforce-simulator.ts'

export const V = '62.0'
export const DATA = `/services/data/v${V}`

export interface SfErrorItem {
  readonly message: string
  readonly errorCode: string
  readonly fields?: readonly string[]
}

export interface SalesforceClient {
  readonly token: string
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
}

/** POSTs a form to the token endpoint. */
export function tokenRequest(
  sim: SalesforceSimulator,
  form: Record<string, string>,
): Promise<Response> {
  return fetch(`${sim.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  })
}

export async function passwordToken(sim: SalesforceSimulator): Promise<string> {
  const response = await tokenRequest(sim, {
    grant_type: 'password',
    client_id: sim.clientId,
    client_secret: sim.clientSecret,
    username: sim.username,
    password: sim.password + sim.securityToken,
  })
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { access_token: string }).access_token
}

/** A client with a fresh session; paths starting with `/` are taken from the instance root. */
export async function salesforceClient(sim: SalesforceSimulator): Promise<SalesforceClient> {
  const token = await passwordToken(sim)
  return {
    token,
    call: (method, path, body, headers = {}) =>
      fetch(`${sim.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  }
}

/** The single error of a Salesforce error array. */
export async function sfErrorOf(response: Response): Promise<SfErrorItem> {
  const body = (await response.json()) as SfErrorItem[]
  const [first] = body
  if (!first || body.length !== 1) {
    throw new Error(`expected one error, got ${JSON.stringify(body)}`)
  }
  return first
}

export function simCall(
  sim: SalesforceSimulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${sim.scenarioUrl}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
}

/** The change events retained for a channel, oldest first, read through the pull endpoint. */
export async function pulledEvents(
  sim: SalesforceSimulator,
  channel = '/data/ChangeEvents',
  replayId = -2,
): Promise<{ replayId: number; eventUuid: string; payload: Record<string, unknown> }[]> {
  const response = await simCall(
    sim,
    'GET',
    `/cdc/events?channel=${encodeURIComponent(channel)}&replayId=${replayId}`,
  )
  if (response.status !== 200) {
    throw new Error(`events: ${response.status} ${await response.text()}`)
  }
  return ((await response.json()) as { events: never[] }).events
}

export interface EventHeader {
  readonly entityName: string
  readonly recordIds: readonly string[]
  readonly changeType: string
  readonly changeOrigin: string
  readonly transactionKey: string
  readonly sequenceNumber: number
  readonly commitTimestamp: number
  readonly commitNumber: number
  readonly commitUser: string
  readonly changedFields: readonly string[]
  readonly nulledFields: readonly string[]
}

export const headerOf = (payload: Record<string, unknown>): EventHeader =>
  payload.ChangeEventHeader as EventHeader
