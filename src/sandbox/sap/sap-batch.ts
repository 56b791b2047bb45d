/** @module sandbox/sap/sap-batch — OData v2 $batch: multipart/mixed with retrievals and atomic changesets; a failing changeset is rolled back and answered with its one error. */

import { randomUUID } from 'node:crypto'
import type { SimResponse } from '../kit/sim-response.ts'
import type { Change } from './sap-changes.ts'
import { renderError, sapErrors } from './sap-errors.ts'
import type { SapError } from './sap-errors.ts'
import { failed, isJson } from './sap-odata-request.ts'
import type { ODataRequest, ODataResult, OperationDeps } from './sap-odata-request.ts'
import { effectiveMethod, executeOData } from './sap-operations.ts'
import { SERVICE_ROOT, serviceNameOf } from './sap-resource-path.ts'

interface MimePart {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

interface HttpPart {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly contentId: string | undefined
}

type BatchItem =
  | { readonly kind: 'request'; readonly part: HttpPart }
  | { readonly kind: 'changeset'; readonly parts: readonly HttpPart[] }

class BatchSyntaxError extends Error {}

const CRLF = '\r\n'
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  500: 'Internal Server Error',
}

export function boundaryOf(contentType: string | undefined): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  return m ? (m[1] ?? m[2] ?? null) : null
}

/** Header lines up to the first empty line, then the rest; names lower-cased. */
function headersAndBody(lines: readonly string[]): MimePart {
  const headers: Record<string, string> = {}
  let i = 0
  for (; i < lines.length && (lines[i] ?? '') !== ''; i++) {
    const line = lines[i] ?? ''
    const colon = line.indexOf(':')
    if (colon <= 0) throw new BatchSyntaxError(`malformed header line '${line}'`)
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body: lines.slice(i + 1).join(CRLF) }
}

function splitMultipart(text: string, boundary: string): MimePart[] {
  const parts: string[][] = []
  let current: string[] | null = null
  let closed = false
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trimEnd()
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current)
      closed = true
      break
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current)
      current = []
    } else if (current) current.push(line)
  }
  if (!closed) throw new BatchSyntaxError(`closing delimiter --${boundary}-- missing`)
  return parts.map(headersAndBody)
}

/** An `application/http` part: request line, headers, blank line, body. */
function httpPart(part: MimePart): HttpPart {
  if (!(part.headers['content-type'] ?? '').toLowerCase().startsWith('application/http')) {
    throw new BatchSyntaxError('each batch part must have Content-Type: application/http')
  }
  const lines = part.body.split(/\r?\n/)
  while (lines[0] === '') lines.shift()
  const m = /^([A-Z]+) (\S+)(?: HTTP\/1\.[01])?$/.exec(lines[0] ?? '')
  if (!m?.[1] || !m[2]) throw new BatchSyntaxError(`malformed request line '${lines[0] ?? ''}'`)
  const inner = headersAndBody(lines.slice(1))
  return {
    method: m[1],
    url: m[2],
    headers: inner.headers,
    body: inner.body.trim(),
    contentId: inner.headers['content-id'] ?? part.headers['content-id'],
  }
}

function parseBatch(text: string, boundary: string): BatchItem[] {
  return splitMultipart(text, boundary).map((part): BatchItem => {
    const type = part.headers['content-type'] ?? ''
    if (!type.toLowerCase().startsWith('multipart/mixed')) {
      return { kind: 'request', part: httpPart(part) }
    }
    const inner = boundaryOf(type)
    if (!inner) throw new BatchSyntaxError('changeset without boundary')
    return { kind: 'changeset', parts: splitMultipart(part.body, inner).map(httpPart) }
  })
}

/** A part's URL, relative to the service root; `$1` stands for what Content-ID 1 created. */
function toRequest(
  part: HttpPart,
  service: string,
  created: ReadonlyMap<string, string>,
): ODataRequest | SapError {
  let url = part.url
  const ref = /^\$([^/?]+)(.*)$/.exec(url)
  if (ref?.[1] !== undefined) {
    const path = created.get(ref[1])
    if (path === undefined) {
      return sapErrors.badRequest(`Content-ID reference $${ref[1]} is unknown`)
    }
    url = `${path}${ref[2] ?? ''}`
  }
  if (/^https?:\/\//.test(url)) url = url.replace(/^https?:\/\/[^/]+/, '')
  if (url.startsWith(SERVICE_ROOT)) {
    const [name = '', ...rest] = url.slice(SERVICE_ROOT.length).split('/')
    if (serviceNameOf(name) !== service) {
      return sapErrors.badRequest('A batch part addresses another service')
    }
    url = rest.join('/')
  }
  const [path = '', query = ''] = url.split('?', 2)
  let body: unknown
  if (part.body !== '') {
    if (!(part.headers['content-type'] ?? '').toLowerCase().includes('json')) {
      return sapErrors.unsupportedMedia(part.headers['content-type'] ?? '(none)')
    }
    try {
      body = JSON.parse(part.body)
    } catch {
      return sapErrors.badRequest('The body of a batch part is not valid JSON')
    }
  }
  return {
    method: effectiveMethod(part.method, part.headers),
    service,
    path,
    query: new URLSearchParams(query),
    headers: part.headers,
    body,
  }
}

function httpText(response: SimResponse, contentId: string | undefined): string {
  const head = [`HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd()]
  for (const [name, value] of Object.entries(response.headers ?? {})) head.push(`${name}: ${value}`)
  if (contentId !== undefined) head.push(`content-id: ${contentId}`)
  const body = response.body ?? ''
  head.push(`content-length: ${Buffer.byteLength(body)}`)
  return `${head.join(CRLF)}${CRLF}${CRLF}${body}`
}

const httpEnvelope = (text: string): string =>
  `content-type: application/http${CRLF}content-transfer-encoding: binary${CRLF}${CRLF}${text}`

/** What the batch needs beyond the operations: a way to publish a committed unit's changes. */
export interface BatchDeps extends OperationDeps {
  readonly commit: (changes: readonly Change[]) => void
}

/** Runs a changeset: all of it, or (on the first failure) none of it and that failure alone. */
function runChangeset(
  deps: BatchDeps,
  service: string,
  parts: readonly HttpPart[],
  outer: ODataRequest,
): string {
  const snapshot = deps.store.snapshot()
  const created = new Map<string, string>()
  const answers: { result: ODataResult; contentId: string | undefined }[] = []
  for (const part of parts) {
    const req = toRequest(part, service, created)
    const result: ODataResult =
      'status' in req
        ? failed(deps, outer, req)
        : req.method === 'GET' || req.method === 'HEAD'
          ? failed(deps, req, sapErrors.badRequest('A changeset must not contain GET requests'))
          : executeOData(deps, req)
    if (result.response.status >= 400) {
      deps.store.restore(snapshot)
      return httpEnvelope(httpText(result.response, part.contentId))
    }
    const location = result.response.headers?.location
    if (part.contentId !== undefined && location !== undefined) {
      created.set(part.contentId, location.slice(deps.serviceUrl(service).length))
    }
    answers.push({ result, contentId: part.contentId })
  }
  deps.commit(answers.flatMap((a) => a.result.changes))
  const boundary = `changeset_${randomUUID()}`
  const inner = answers.map(
    (a) => `--${boundary}${CRLF}${httpEnvelope(httpText(a.result.response, a.contentId))}`,
  )
  return `content-type: multipart/mixed; boundary=${boundary}${CRLF}${CRLF}${inner.join(CRLF)}${CRLF}--${boundary}--`
}

/** POST …/$batch: 202 with one answer per retrieval and per changeset, in order. */
export function executeBatch(
  deps: BatchDeps,
  outer: ODataRequest,
  contentType: string | undefined,
  text: string,
): SimResponse {
  const boundary = boundaryOf(contentType)
  const refuse = (error: SapError): SimResponse =>
    renderError(error, outer.service, isJson(outer), deps.now())
  if (!(contentType ?? '').toLowerCase().startsWith('multipart/mixed') || !boundary) {
    return refuse(
      sapErrors.badRequest('A $batch request needs Content-Type multipart/mixed with a boundary'),
    )
  }
  let items: BatchItem[]
  try {
    items = parseBatch(text, boundary)
  } catch (error) {
    if (error instanceof BatchSyntaxError) {
      return refuse(sapErrors.badRequest(`Malformed $batch: ${error.message}`))
    }
    throw error
  }
  const out = `batch_${randomUUID()}`
  const answers = items.map((item) => {
    if (item.kind === 'changeset') return runChangeset(deps, outer.service, item.parts, outer)
    const req = toRequest(item.part, outer.service, new Map())
    const result =
      'status' in req
        ? failed(deps, outer, req)
        : req.method === 'GET'
          ? executeOData(deps, req)
          : failed(
              deps,
              req,
              sapErrors.badRequest('Modifying requests must be sent inside a changeset'),
            )
    return httpEnvelope(httpText(result.response, item.part.contentId))
  })
  const body = `${answers.map((a) => `--${out}${CRLF}${a}`).join(CRLF)}${CRLF}--${out}--${CRLF}`
  return {
    status: 202,
    headers: { 'content-type': `multipart/mixed; boundary=${out}`, dataserviceversion: '2.0' },
    body,
  }
}
