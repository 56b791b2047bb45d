/** @module connectors/sap/sap-batch-multipart — OData v2 $batch bodies: changesets written as multipart/mixed, the answer read back part by part. */
import { randomUUID } from 'node:crypto'

const CRLF = '\r\n'

/** One request inside a changeset; `path` is relative to the service root. */
export interface BatchRequest {
  method: 'POST' | 'PATCH' | 'DELETE'
  path: string
  body?: string
  headers?: Readonly<Record<string, string>>
}

/** An HTTP response embedded in a batch answer. */
export interface BatchPartResponse {
  status: number
  /** Lower-case names. */
  headers: Record<string, string>
  body: string
}

/**
 * The answer to one item of the batch, in order. A changeset that committed answers with a
 * multipart of one response per request; one that failed is rolled back and answers with its
 * single error response instead.
 */
export type BatchAnswer =
  | { kind: 'changeset'; responses: BatchPartResponse[] }
  | { kind: 'response'; response: BatchPartResponse }

/** A `$batch` body with one changeset per entry of `changesets`, and its boundary. */
export function buildChangesetBatch(changesets: readonly (readonly BatchRequest[])[]): {
  contentType: string
  body: string
} {
  const batch = `batch_${randomUUID()}`
  const lines: string[] = []
  for (const requests of changesets) {
    const changeset = `changeset_${randomUUID()}`
    lines.push(`--${batch}`, `Content-Type: multipart/mixed; boundary=${changeset}`, '')
    requests.forEach((request, index) => {
      lines.push(
        `--${changeset}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        `Content-ID: ${index + 1}`,
        '',
        `${request.method} ${request.path} HTTP/1.1`,
        'Accept: application/json',
        ...(request.body === undefined ? [] : ['Content-Type: application/json']),
        ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        '',
        request.body ?? '',
      )
    })
    lines.push(`--${changeset}--`)
  }
  lines.push(`--${batch}--`, '')
  return { contentType: `multipart/mixed; boundary=${batch}`, body: lines.join(CRLF) }
}

/** Reads a `202 multipart/mixed` batch answer; undefined when it is not one. */
export function parseBatchAnswer(
  contentType: string | undefined,
  body: string,
): BatchAnswer[] | undefined {
  const boundary = boundaryOf(contentType)
  if (boundary === undefined) return undefined
  const parts = splitParts(body, boundary)
  if (parts === undefined) return undefined
  const answers: BatchAnswer[] = []
  for (const part of parts) {
    const type = part.headers['content-type'] ?? ''
    const inner = boundaryOf(type)
    if (type.toLowerCase().startsWith('multipart/mixed') && inner !== undefined) {
      const responses = splitParts(part.body, inner)?.map((p) => httpResponse(p.body))
      if (responses === undefined || responses.some((r) => r === undefined)) return undefined
      answers.push({ kind: 'changeset', responses: responses as BatchPartResponse[] })
      continue
    }
    const response = httpResponse(part.body)
    if (response === undefined) return undefined
    answers.push({ kind: 'response', response })
  }
  return answers
}

function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  return match?.[1] ?? match?.[2]
}

interface MimePart {
  headers: Record<string, string>
  body: string
}

/** The parts between `--boundary` lines, up to `--boundary--`; undefined if it never closes. */
function splitParts(text: string, boundary: string): MimePart[] | undefined {
  const parts: string[][] = []
  let current: string[] | undefined
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trimEnd()
    if (trimmed === `--${boundary}--`) {
      if (current !== undefined) parts.push(current)
      return parts.map(headersAndBody)
    }
    if (trimmed === `--${boundary}`) {
      if (current !== undefined) parts.push(current)
      current = []
    } else current?.push(line)
  }
  return undefined
}

function headersAndBody(lines: readonly string[]): MimePart {
  const headers: Record<string, string> = {}
  let at = 0
  for (; at < lines.length && (lines[at] ?? '') !== ''; at++) {
    const line = lines[at] ?? ''
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body: lines.slice(at + 1).join(CRLF) }
}

/** `HTTP/1.1 201 Created`, headers, blank line, body. */
function httpResponse(text: string): BatchPartResponse | undefined {
  const lines = text.replace(/^(\r?\n)+/, '').split(/\r?\n/)
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]
  if (status === undefined) return undefined
  const { headers, body } = headersAndBody(lines.slice(1))
  return { status: Number(status), headers, body: body.trim() }
}
