/** @module connectors/sap/sap-cookie-jar — the cookies of one SAP connection: whatever the system sets, sent back as it set them. */
import type { HttpHeaders } from '../wire/http-exchange.ts'

/**
 * Cookie names vary by release (`SAP_SESSIONID_<SID>_<client>`, `sap-XSRF_<SID>_<client>`,
 * `MYSAPSSO2`…), so the jar keeps every cookie the system sets rather than looking for one by
 * name. One host per connection, so domain and path matching are not needed.
 */
export class SapCookieJar {
  readonly #cookies = new Map<string, string>()

  /** Applies the `Set-Cookie` headers of a response; an expired or emptied cookie is dropped. */
  store(headers: HttpHeaders): void {
    for (const line of setCookieLines(headers)) {
      const [pair = '', ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      if (at <= 0) continue
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      if (value === '' || isExpired(attributes)) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  /** The `Cookie` header value, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** Holds exactly the cookies of a `Cookie` header another process got (none when undefined). */
  replace(header: string | undefined): void {
    this.#cookies.clear()
    for (const pair of header?.split(';') ?? []) {
      const at = pair.indexOf('=')
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim())
    }
  }

  clear(): void {
    this.#cookies.clear()
  }

  get size(): number {
    return this.#cookies.size
  }
}

function setCookieLines(headers: HttpHeaders): string[] {
  const lines: string[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'set-cookie' || value === undefined) continue
    lines.push(...(Array.isArray(value) ? value : [value]))
  }
  return lines
}

function isExpired(attributes: readonly string[]): boolean {
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=', 2).map((s) => s.trim())
    if (key.toLowerCase() === 'max-age' && Number(value) <= 0) return true
    if (key.toLowerCase() === 'expires') {
      const at = Date.parse(value)
      if (!Number.isNaN(at) && at <= Date.now()) return true
    }
  }
  return false
}
