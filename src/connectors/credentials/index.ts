/** @module connectors/credentials — single-flight token refresh shared by every hub process on one store. */
export { SingleFlightTokens } from './shared-token-coordinator.ts'
export type {
  SingleFlightTokenStats,
  SingleFlightTokensOptions,
} from './shared-token-coordinator.ts'
export type { SharedTokenCopy, SharedTokenStore } from './shared-token-port.ts'
export { bearerTokenCodec } from './token-codec.ts'
export type { BearerToken, TokenCodec } from './token-codec.ts'
export { createTokenSealer, TokenSealError } from './token-sealer.ts'
export type { TokenSealer } from './token-sealer.ts'
