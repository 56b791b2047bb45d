/** @module sandbox/salesforce/salesforce-ids — 18-character Salesforce ids: key prefix, pod, counter and the case-safe checksum suffix. */

/** Key prefixes Salesforce gives the objects this simulator knows; they are fixed across orgs. */
export const KEY_PREFIXES = {
  Account: '001',
  Contact: '003',
  User: '005',
  Organization: '00D',
  Profile: '00e',
  QueryLocator: '01g',
} as const

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'

/**
 * The three-character suffix that makes a 15-character id safe for case-insensitive systems:
 * one character per 5-character chunk, encoding which of its letters are upper case.
 */
export function idChecksum(id15: string): string {
  let suffix = ''
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i)
      if (c >= 'A' && c <= 'Z') bits |= 1 << i
    }
    suffix += SUFFIX.charAt(bits)
  }
  return suffix
}

/** Builds an 18-character id: prefix, a pod id (`5g`), the reserved `0`, then a base-62 counter. */
export function makeId(prefix: string, counter: number, pod = '5g'): string {
  let digits = ''
  let n = counter
  do {
    digits = BASE62.charAt(n % 62) + digits
    n = Math.floor(n / 62)
  } while (n > 0)
  const id15 = `${prefix}${pod}0${digits.padStart(9, '0')}`.slice(0, 15)
  return id15 + idChecksum(id15)
}

/**
 * The 18-character form of a 15- or 18-character id, or null when the text is not an id.
 * A 15-character id is case-sensitive; an 18-character one is matched by its first 15.
 */
export function normaliseId(text: string): string | null {
  if (/^[a-zA-Z0-9]{15}$/.test(text)) return text + idChecksum(text)
  if (/^[a-zA-Z0-9]{18}$/.test(text)) {
    const id15 = text.slice(0, 15)
    return id15 + idChecksum(id15)
  }
  return null
}

/** The key prefix of a well-formed id. */
export const prefixOf = (id: string): string => id.slice(0, 3)

/** The all-zero "empty" id that overflow events carry instead of record ids. */
export const EMPTY_ID = '000000000000000AAA'
