/** @module test/sandbox/sap-test-kit — helpers for the SAP simulator tests: a client that logs on and fetches a CSRF token like a real one, order bodies, multipart reading. */

import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'

export const SO_PATH = '/sap/opu/odata/sap/API_SALES_ORDER_SRV'
export const BP_PATH = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'

export const basicOf = (sim: SapSimulator): string =>
  `Basic ${Buffer.from(`${sim.username}:${sim.password}`).toString('base64')}`

/** `name=value` pairs of Set-Cookie headers, joined for a Cookie header. */
export const cookiesOf = (response: Response): string =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0])
    .join('; ')

export interface SapClient {
  token: string
  cookies: string
  /** Any request with Basic auth, the session cookies and the token; JSON by default. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
  /** GET and parse `{d: …}`. */
  read<T = Record<string, unknown>>(path: string): Promise<T>
  /** Fetches a fresh token (and session) as a client does after a 403 Required. */
  refetch(): Promise<void>
}

export async function fetchCsrf(
  sim: SapSimulator,
  path = `${SO_PATH}/`,
  cookies?: string,
): Promise<Response> {
  return fetch(`${sim.baseUrl}${path}`, {
    headers: {
      authorization: basicOf(sim),
      'x-csrf-token': 'Fetch',
      accept: 'application/json',
      ...(cookies === undefined ? {} : { cookie: cookies }),
    },
  })
}

export async function sapClient(sim: SapSimulator): Promise<SapClient> {
  const client: SapClient = {
    token: '',
    cookies: '',
    call: (method, path, body, headers = {}) =>
      fetch(`${sim.baseUrl}${path}`, {
        method,
        headers: {
          authorization: basicOf(sim),
          accept: 'application/json',
          cookie: client.cookies,
          'x-csrf-token': client.token,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    read: async <T>(path: string): Promise<T> => {
      const response = await client.call('GET', path)
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`)
      return ((await response.json()) as { d: T }).d
    },
    refetch: async () => {
      const response = await fetchCsrf(sim)
      client.token = response.headers.get('x-csrf-token') ?? ''
      client.cookies = cookiesOf(response)
    },
  }
  await client.refetch()
  return client
}

export interface OrderLine {
  readonly Material: string
  readonly RequestedQuantity: string
  readonly [field: string]: string
}

export function orderBody(
  po: string,
  lines: readonly OrderLine[] = [{ Material: 'TG11', RequestedQuantity: '5' }],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    SalesOrderType: 'OR',
    SalesOrganization: '1710',
    DistributionChannel: '10',
    OrganizationDivision: '00',
    SoldToParty: '17100001',
    PurchaseOrderByCustomer: po,
    to_Item: { results: lines },
    ...extra,
  }
}

export interface ODataErrorBody {
  readonly error: {
    readonly code: string
    readonly message: { readonly lang: string; readonly value: string }
    readonly innererror: {
      readonly application: Record<string, string>
      readonly transactionid: string
      readonly errordetails: readonly Record<string, string>[]
    }
  }
}

export async function errorOf(response: Response): Promise<ODataErrorBody['error']> {
  return ((await response.json()) as ODataErrorBody).error
}

/** One part of a multipart/mixed body: its MIME headers and the text after them. */
export interface MultipartPart {
  readonly headers: Record<string, string>
  readonly body: string
}

export function splitMultipart(text: string, boundary: string): MultipartPart[] {
  const chunks = text.split(`--${boundary}`)
  return chunks
    .slice(1, -1)
    .map((chunk) => chunk.replace(/^\r\n/, '').replace(/\r\n$/, ''))
    .map((chunk) => {
      const at = chunk.indexOf('\r\n\r\n')
      const head = at < 0 ? chunk : chunk.slice(0, at)
      const headers: Record<string, string> = {}
      for (const line of head.split('\r\n')) {
        const colon = line.indexOf(':')
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      return { headers, body: at < 0 ? '' : chunk.slice(at + 4) }
    })
}

/** An embedded HTTP response (`application/http` part body): status, headers, body. */
export function parseHttp(text: string): {
  status: number
  headers: Record<string, string>
  body: string
} {
  const at = text.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = text.slice(0, at).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(at + 4) }
}

/** Parses tags enough to tell well-formed XML from broken: every element closed, in order. */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = []
  const body = xml.replace(/^<\?xml[^?]*\?>/, '')
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy
  let at = 0
  while (at < body.length) {
    tag.lastIndex = at
    const m = tag.exec(body)
    if (!m) throw new Error(`malformed XML at ${at}: ${body.slice(at, at + 60)}`)
    at = tag.lastIndex
    if (m[5] !== undefined) {
      if (/&(?!(lt|gt|amp|quot|apos|#\d+);)/.test(m[5])) throw new Error('unescaped &')
      continue
    }
    const name = m[2] ?? ''
    if (m[1] === '/') {
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`)
    } else if (m[4] !== '/') stack.push(name)
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`)
}
