/** @module sandbox/salesforce/salesforce-composite — POST /composite: up to 25 subrequests with `@{ref.field}` references, HTTP 200 whatever they do, allOrNone as one transaction that rolls back whole. */

import type { SimResponse } from '../kit/sim-response.ts'
import { sfError, sfErrors, sfJson } from './salesforce-errors.ts'
import { originOf, parseDataPath } from './salesforce-rest-call.ts'
import type { RestCall, RestDeps } from './salesforce-rest-call.ts'
import type { SfTransaction } from './salesforce-transaction.ts'

const MAX_SUBREQUESTS = 25
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']
/** Subrequests inherit these from the top-level request and may not set them. */
const INHERITED = ['authorization', 'content-type', 'accept']
const REFERENCE = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g

interface Subrequest {
  readonly method: string
  readonly url: string
  readonly referenceId: string
  readonly body: unknown
  readonly httpHeaders: Readonly<Record<string, string>>
}

interface SubResult {
  readonly body: unknown
  readonly httpHeaders: Record<string, string>
  readonly httpStatusCode: number
  readonly referenceId: string
}

/** Resource handlers a subrequest may reach (everything but /composite itself). */
export type Dispatch = (call: RestCall, tx: SfTransaction) => SimResponse

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks the request shape before anything runs; a bad shape fails the whole call with 400. */
function parseBody(body: unknown): { allOrNone: boolean; subs: Subrequest[] } | SimResponse {
  const bad = (message: string): SimResponse => sfErrors.jsonParser(message)
  if (!isObject(body) || !Array.isArray(body.compositeRequest)) {
    return bad('Required field compositeRequest is missing or not an array')
  }
  if (body.allOrNone !== undefined && typeof body.allOrNone !== 'boolean') {
    return bad('allOrNone must be a boolean')
  }
  const raw: unknown[] = body.compositeRequest
  if (raw.length === 0) return bad('compositeRequest must contain at least one subrequest')
  if (raw.length > MAX_SUBREQUESTS) {
    return sfError(
      400,
      'INVALID_INPUT',
      `Limit of ${MAX_SUBREQUESTS} subrequests exceeded: ${raw.length}`,
    )
  }
  const subs: Subrequest[] = []
  const seen = new Set<string>()
  for (const item of raw) {
    if (!isObject(item)) return bad('Each subrequest must be a JSON object')
    const { method, url, referenceId, httpHeaders } = item
    if (typeof method !== 'string' || !METHODS.includes(method)) {
      return bad(`Invalid method for subrequest: ${String(method)}`)
    }
    if (typeof url !== 'string') return bad('Required field url is missing')
    if (typeof referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(referenceId)) {
      return bad(`Invalid or missing referenceId: ${String(referenceId)}`)
    }
    if (seen.has(referenceId)) {
      return bad(`Duplicate referenceId provided in the request: ${referenceId}`)
    }
    const headers: Record<string, string> = {}
    if (httpHeaders !== undefined) {
      if (!isObject(httpHeaders)) return bad('httpHeaders must be a JSON object')
      for (const [name, value] of Object.entries(httpHeaders)) {
        if (INHERITED.includes(name.toLowerCase())) {
          return sfError(
            400,
            'INVALID_INPUT',
            `The ${name} header is inherited from the composite request and cannot be set on a subrequest`,
          )
        }
        headers[name.toLowerCase()] = String(value)
      }
    }
    for (const m of JSON.stringify([url, item.body ?? null]).matchAll(REFERENCE)) {
      if (!seen.has(m[1] ?? '')) {
        return sfError(
          400,
          'INVALID_INPUT',
          `Invalid reference specified. No referenceId ${m[1] ?? ''} in a prior subrequest: ${m[0]}`,
        )
      }
    }
    seen.add(referenceId)
    subs.push({ method, url, referenceId, body: item.body, httpHeaders: headers })
  }
  return { allOrNone: body.allOrNone === true, subs }
}

/** Follows `.field` and `[n]` steps into an earlier subrequest's response body. */
function lookup(body: unknown, path: string): unknown {
  let value = body
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== 'object') return undefined
    const key = step.startsWith('.') ? step.slice(1) : Number(step.slice(1, -1))
    value = (value as Record<string | number, unknown>)[key]
  }
  return value
}

class UnresolvedReference extends Error {}

/** Substitutes references; a string that is exactly one reference takes the value's own type. */
function substitute(value: unknown, results: ReadonlyMap<string, SubResult>): unknown {
  const resolve = (ref: string, path: string): unknown => {
    const result = results.get(ref)
    const found = result && result.httpStatusCode < 300 ? lookup(result.body, path) : undefined
    if (found === undefined) throw new UnresolvedReference(`${ref}${path}`)
    return found
  }
  if (typeof value === 'string') {
    const whole = /^@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}$/.exec(value)
    if (whole) return resolve(whole[1] ?? '', whole[2] ?? '')
    return value.replace(REFERENCE, (_, ref: string, path: string) => String(resolve(ref, path)))
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results))
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results)]))
  }
  return value
}

const toResult = (referenceId: string, response: SimResponse): SubResult => ({
  body:
    response.body === undefined || response.body === ''
      ? null
      : (JSON.parse(response.body) as unknown),
  httpHeaders: response.headers?.location ? { Location: response.headers.location } : {},
  httpStatusCode: response.status,
  referenceId,
})

const halted = (referenceId: string, message: string): SubResult => ({
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
})

const ROLLED_BACK =
  'The transaction was rolled back since another operation in the same transaction failed.'

export function handleComposite(deps: RestDeps, call: RestCall, dispatch: Dispatch): SimResponse {
  if (call.method !== 'POST') return sfErrors.methodNotAllowed(call.method, ['POST'])
  const parsed = parseBody(call.body)
  if ('status' in parsed) return parsed
  const results = new Map<string, SubResult>()
  const ordered: SubResult[] = []
  const record = (result: SubResult): SubResult => {
    ordered.push(result)
    results.set(result.referenceId, result)
    return result
  }
  // allOrNone runs every subrequest in one transaction; otherwise each commits on its own.
  const shared = parsed.allOrNone ? deps.begin(originOf(call)) : null
  try {
    for (const sub of parsed.subs) {
      let subCall: RestCall
      try {
        const target = parseDataPath(String(substitute(sub.url, results)))
        if (!target || (target.segments[0] === 'composite' && target.segments[1] !== 'sobjects')) {
          record(toResult(sub.referenceId, sfErrors.notFound()))
          if (shared) break
          continue
        }
        subCall = {
          ...target,
          method: sub.method,
          headers: { ...call.headers, ...sub.httpHeaders },
          body: substitute(sub.body, results),
          userId: call.userId,
        }
      } catch (error) {
        if (!(error instanceof UnresolvedReference)) throw error
        record(
          halted(
            sub.referenceId,
            `Invalid reference specified. No value for ${error.message} found in a prior subrequest that succeeded`,
          ),
        )
        continue
      }
      const tx = shared ?? deps.begin(originOf(subCall))
      let response: SimResponse
      try {
        response = dispatch(subCall, tx)
      } catch (error) {
        if (!shared) tx.rollback()
        throw error
      }
      record(toResult(sub.referenceId, response))
      if (shared) {
        if (response.status >= 400) break
      } else if (response.status >= 400) tx.rollback()
      else tx.commit()
    }
  } catch (error) {
    shared?.rollback()
    throw error
  }
  const failedIndex = ordered.findIndex((r) => r.httpStatusCode >= 400)
  if (shared && failedIndex >= 0) {
    shared.rollback()
    const all = parsed.subs.map((sub, i) =>
      i === failedIndex ? (ordered[i] as SubResult) : halted(sub.referenceId, ROLLED_BACK),
    )
    return sfJson(200, { compositeResponse: all })
  }
  shared?.commit()
  return sfJson(200, { compositeResponse: ordered })
}
