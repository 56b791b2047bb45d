/** @module test/security/secret-canary-scan — unique credential canaries and a scanner for every encoding of them. */
import { createHash, randomBytes } from 'node:crypto'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'

function base32(bytes: Uint8Array): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31] ?? ''
      bits -= 5
    }
  }
  return bits > 0 ? out + (BASE32[(value << (5 - bits)) & 31] ?? '') : out
}

/** `hubcanary_<base32 random>_<checksum>`: unique, greppable, and recognisable by a scanner. */
export function makeCanary(): string {
  const body = base32(randomBytes(15))
  const checksum = base32(createHash('sha256').update(body).digest().subarray(0, 4))
  return `hubcanary_${body}_${checksum}`
}

/**
 * The base64 characters that depend only on the canary's bytes when it starts `offset` bytes into
 * a larger encoded value (e.g. `clientId:clientSecret` in a Basic header), for offsets 0–2.
 */
function base64Fragments(value: string, alphabet: 'base64' | 'base64url'): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(value)]).toString(alphabet)
    const start = Math.ceil((offset * 8) / 6)
    const end = Math.floor(((offset + Buffer.byteLength(value)) * 8) / 6)
    return encoded.slice(start, end)
  })
}

/** Every form a canary could take on its way out: raw, base64/base64url (any alignment), URL, hex, JSON. */
export function canaryForms(canary: string): Record<string, string> {
  const hex = Buffer.from(canary).toString('hex')
  const unicodeEscaped = [...canary]
    .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('')
  return {
    raw: canary,
    ...Object.fromEntries(base64Fragments(canary, 'base64').map((f, i) => [`base64@${i}`, f])),
    ...Object.fromEntries(
      base64Fragments(canary, 'base64url').map((f, i) => [`base64url@${i}`, f]),
    ),
    urlEncoded: encodeURIComponent(canary),
    hex,
    HEX: hex.toUpperCase(),
    jsonEscaped: JSON.stringify(canary).slice(1, -1),
    jsonUnicodeEscaped: unicodeEscaped,
    // A scanner should also catch the distinctive random part alone (e.g. after a prefix was cut).
    randomPart: canary.split('_')[1] ?? canary,
  }
}

export interface Haystack {
  where: string
  text: string
}

/** Each place a canary was found, as `<where>: <canary name> as <form>`; empty when clean. */
export function findCanaries(haystacks: Haystack[], canaries: Record<string, string>): string[] {
  const found: string[] = []
  for (const [name, canary] of Object.entries(canaries)) {
    for (const [form, needle] of Object.entries(canaryForms(canary))) {
      for (const { where, text } of haystacks) {
        if (text.includes(needle)) found.push(`${where}: ${name} as ${form}`)
      }
    }
  }
  return found
}
