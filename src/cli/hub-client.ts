/** @module cli/hub-client — the CLI's only way to the hub: its HTTP API.
 *
 * The CLI never opens the store or the embedded data folder: the running hub owns them (the
 * embedded store is locked by its process), and going through the API keeps one writer.
 */
import { InvalidArgumentError } from 'commander'
import { CliError } from './cli-io.ts'
import { parseHubUrl } from './option-parsers.ts'

export interface HubClient {
  readonly baseUrl: string
  get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T>
  post<T>(path: string, body: unknown): Promise<T>
}

const REQUEST_TIMEOUT_MS = 30_000

/**
 * Why fetch failed: the network code (ECONNREFUSED, ENOTFOUND, ...) or, failing that, the innermost
 * message; fetch's own "fetch failed" says nothing.
 */
function networkReason(error: unknown): string {
  let current: unknown = error
  let reason = String(error)
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && !code.startsWith('UND_ERR_')) return code
    reason = current.message
    current = current.cause
  }
  return reason
}

function unreachable(baseUrl: string, error: unknown): CliError {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new CliError(
      `the hub at ${baseUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s; check its log`,
    )
  }
  return new CliError(
    `cannot reach the hub at ${baseUrl} (${networkReason(error)}); start it with \`syncline start\`, ` +
      'or point --hub or SYNCLINE_HUB_URL at a running hub',
  )
}

async function errorFromResponse(response: Response): Promise<CliError> {
  const text = await response.text()
  let message = text.trim() || response.statusText
  try {
    const body = JSON.parse(text) as { message?: unknown }
    if (typeof body.message === 'string') message = body.message
  } catch {
    // Not JSON (a proxy's error page): the raw text is the best message there is.
  }
  return new CliError(`${message} (HTTP ${response.status})`)
}

/** Checks the URL (it may come from SYNCLINE_HUB_URL, which no option parser has seen). */
function normalizeBaseUrl(value: string): string {
  try {
    return parseHubUrl(value)
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      throw new CliError(`hub URL (--hub or SYNCLINE_HUB_URL): ${error.message}`)
    }
    throw error
  }
}

export function createHubClient(hubUrl: string): HubClient {
  const baseUrl = normalizeBaseUrl(hubUrl)
  async function send<T>(method: string, url: string, body?: unknown): Promise<T> {
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (error) {
      throw unreachable(baseUrl, error)
    }
    if (!response.ok) throw await errorFromResponse(response)
    try {
      return (await response.json()) as T
    } catch {
      throw new CliError(
        `the hub at ${baseUrl} sent a response that is not JSON for ${method} ${url}`,
      )
    }
  }

  return {
    baseUrl,
    get(path, query = {}) {
      const url = new URL(`${baseUrl}${path}`)
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined) url.searchParams.set(name, String(value))
      }
      return send('GET', url.href)
    },
    post(path, body) {
      return send('POST', `${baseUrl}${path}`, body)
    },
  }
}
