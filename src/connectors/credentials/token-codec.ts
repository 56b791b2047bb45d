/** @module connectors/credentials/token-codec — how a connector's token becomes the plaintext that is sealed, and back. */
import { Secret } from '../../secrets/secret-value.ts'

export interface TokenCodec<T> {
  /** The plaintext to seal. The only place a token's secret is revealed outside its HTTP header. */
  encode(token: T): string
  /** Throws on anything `encode` could not have produced. */
  decode(plaintext: string): T
  /** Epoch ms (hub clock) after which the token is not handed out any more, margin included. */
  refreshAt(token: T): number
}

/** The common OAuth shape, e.g. NetSuite's client-credentials token. */
export interface BearerToken {
  readonly value: Secret
  readonly refreshAt: number
}

export const bearerTokenCodec: TokenCodec<BearerToken> = {
  encode: (token) => JSON.stringify({ value: token.value.reveal(), refreshAt: token.refreshAt }),
  decode(plaintext) {
    const parsed: unknown = JSON.parse(plaintext)
    const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
      string,
      unknown
    >
    if (typeof fields.value !== 'string' || fields.value === '') {
      throw new TypeError('the sealed bearer token has no value')
    }
    if (typeof fields.refreshAt !== 'number' || !Number.isFinite(fields.refreshAt)) {
      throw new TypeError('the sealed bearer token has no refresh time')
    }
    return { value: new Secret(fields.value), refreshAt: fields.refreshAt }
  },
  refreshAt: (token) => token.refreshAt,
}
