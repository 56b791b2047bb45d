/** @module connectors/netsuite/netsuite-request-auth — the Authorization header for one request: an OAuth 2.0 bearer token or a TBA signature. */
import type { HttpMethod } from '../wire/http-exchange.ts'
import type { NetSuiteTbaSigner } from './netsuite-tba-signer.ts'
import type { NetSuiteTokenProvider } from './netsuite-token-provider.ts'

/** One request's credentials; `rejected()` is told when NetSuite answered 401 to them. */
export interface NetSuiteAuthorization {
  /** The header value: a credential, never logged or put into an error. */
  readonly header: string
  rejected(): void
}

export interface NetSuiteRequestAuth {
  /** `url` is absolute and exactly what will be sent: a TBA signature covers it. */
  authorize(method: HttpMethod, url: string, signal?: AbortSignal): Promise<NetSuiteAuthorization>
}

/** OAuth 2.0: the provider's cached token; a 401 drops it so the retry fetches a fresh one. */
export function bearerAuth(tokens: NetSuiteTokenProvider): NetSuiteRequestAuth {
  return {
    async authorize(_method, _url, signal) {
      const token = await tokens.getToken(signal)
      return {
        header: `Bearer ${token.value.reveal()}`,
        rejected: () => tokens.invalidate(token),
      }
    },
  }
}

/** TBA: a new signature (timestamp, nonce) per request, so a retry after a 401 is signed afresh. */
export function tbaAuth(signer: NetSuiteTbaSigner): NetSuiteRequestAuth {
  return {
    authorize: (method, url) =>
      Promise.resolve({ header: signer.authorization(method, url), rejected: () => undefined }),
  }
}
