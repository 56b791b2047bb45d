/** @module connectors/credentials/token-sealer — seals a token before it leaves the process, so the shared store holds ciphertext only.
 *
 * AES-256-GCM under a key derived (HKDF-SHA256) from the credential's own secret, with the
 * credential key as HKDF info and as associated data. Every hub configured with the credential
 * derives the same key, so any of them can unseal what another sealed; the database alone cannot,
 * and a copy moved to another credential's row fails authentication. The protection is as strong
 * as that secret: meant for OAuth client secrets (long and random), not for passwords a person
 * chose. A rotated secret makes old copies unreadable, which the coordinator treats as "no copy".
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>`, base64url parts; the IV is 12 random bytes per seal.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { Secret } from '../../secrets/secret-value.ts'

const FORMAT = 'v1'
const SALT = 'syncline/credential-token-seal'
const IV_BYTES = 12
const TAG_BYTES = 16

/** A sealed text that this secret and credential key cannot open: tampered, foreign or of another format. */
export class TokenSealError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TokenSealError'
  }
}

export interface TokenSealer {
  seal(plaintext: string): string
  /** Throws `TokenSealError` unless `sealed` came from a sealer with the same secret and key. */
  unseal(sealed: string): string
}

export function createTokenSealer(secret: Secret, credentialKey: string): TokenSealer {
  const material = secret.reveal()
  if (material === '') throw new RangeError(`credential ${credentialKey} has an empty secret`)
  const context = Buffer.from(`${FORMAT}:${credentialKey}`, 'utf8')
  const key = Buffer.from(hkdfSync('sha256', material, SALT, context, 32))

  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(context)
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return [FORMAT, iv, body, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.')
    },

    unseal(sealed) {
      const parts = sealed.split('.')
      if (parts.length !== 4 || parts[0] !== FORMAT) {
        throw new TokenSealError(`not a ${FORMAT} sealed token`)
      }
      const [iv, body, tag] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'))
      if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || body === undefined) {
        throw new TokenSealError(`malformed ${FORMAT} sealed token`)
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
        decipher.setAAD(context)
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
      } catch (cause) {
        throw new TokenSealError(
          `the sealed token of ${credentialKey} does not open with this credential's secret ` +
            '(sealed under another secret, or altered)',
          { cause },
        )
      }
    },
  }
}
