/** @module connectors/sap/sap-error-body — reads SAP Gateway's error body (JSON or XML): the T100 code, the message and the field it blames. */
import { parseUntrustedJson } from '../wire/untrusted-json.ts'

export interface SapErrorDetail {
  /** A T100 message class and number (`V1/320`) or a Gateway framework code (`/IWBEP/CM_MGW_RT/190`). */
  code: string | undefined
  message: string | undefined
  /** The property the message is about, e.g. `SoldToParty` or `to_Item(0)/Material`. */
  target: string | undefined
}

/**
 * `{"error":{"code","message":{"value"},"innererror":{"errordetails":[…]}}}`, or the same as
 * `<error><code/><message/></error>` XML. The header error comes first, then the details that add
 * something. Anything else (the Web Dispatcher's HTML, the ICF's plain-text CSRF refusal) yields none.
 */
export function parseSapErrorBody(body: string): SapErrorDetail[] {
  const text = body.trim()
  if (text.startsWith('{')) return fromJson(text)
  if (text.startsWith('<') && /<error[\s>]/.test(text)) return fromXml(text)
  return []
}

function fromJson(text: string): SapErrorDetail[] {
  let parsed: unknown
  try {
    parsed = parseUntrustedJson(text, { source: 'SAP error body' })
  } catch {
    return []
  }
  const error = record(record(parsed)?.error)
  if (error === undefined) return []
  const message = record(error.message)
  const head: SapErrorDetail = {
    code: str(error.code),
    message: str(message?.value) ?? str(error.message),
    target: undefined,
  }
  const list = record(error.innererror)?.errordetails
  const details = (Array.isArray(list) ? list : []).map((entry) => {
    const item = record(entry) ?? {}
    return { code: str(item.code), message: str(item.message), target: str(item.target) }
  })
  // The header repeats the first detail; keep the detail's target on the header instead.
  const first = details[0]
  if (first !== undefined && first.code === head.code && first.message === head.message) {
    return [{ ...head, target: first.target }, ...details.slice(1)]
  }
  return [head, ...details]
}

function fromXml(text: string): SapErrorDetail[] {
  const tag = (name: string, within: string): string | undefined => {
    const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(within)
    return match?.[1] === undefined ? undefined : str(unescapeXml(match[1]))
  }
  const detail = /<errordetail>([\s\S]*?)<\/errordetail>/.exec(text)?.[1] ?? ''
  return [{ code: tag('code', text), message: tag('message', text), target: tag('target', detail) }]
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d{1,7});/g, (whole, name: string) => {
    if (!name.startsWith('#')) return XML_ENTITIES[name] ?? whole
    const point = Number(name.slice(1))
    return point <= 0x10ffff ? String.fromCodePoint(point) : whole
  })
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
