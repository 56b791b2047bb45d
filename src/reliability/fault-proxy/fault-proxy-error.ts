/** @module reliability/fault-proxy/fault-proxy-error — the proxy's one error type, carrying the HTTP status Toxiproxy would answer with, so API and programmatic callers see the same failure. */

export class FaultProxyError extends Error {
  /** 400 bad input, 404 unknown proxy or toxic, 405 wrong method, 409 name or address taken. */
  readonly status: number

  constructor(message: string, status: number) {
    super(message)
    this.name = 'FaultProxyError'
    this.status = status
  }
}
