/** @module connectors/wire/untrusted-json — lossless, depth-bounded, pollution-proof JSON parsing for wire data. */
import { isSafeNumber, parse } from 'lossless-json'
import { HubError } from '../../errors/hub-error.ts'

export const DEFAULT_MAX_JSON_DEPTH = 64

/** Keys that could reach an object's prototype chain once the data is merged or spread elsewhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export interface UntrustedJsonOptions {
  /** Names the sender in error messages, e.g. `Shopify webhook body`. */
  source: string
  maxDepth?: number
  /**
   * Rewrites a value after parsing, given its key (`''` at the root, the index for array items).
   * Used by connectors for rules such as "ids are always strings".
   */
  transform?: (key: string, value: unknown) => unknown
}

/**
 * Parses JSON text or UTF-8 bytes. Numbers that a JS number represents exactly become numbers;
 * any other number (int64 ids above 2^53, long decimals) becomes its exact decimal string.
 * Throws HubError.validation saying what is wrong: bad UTF-8, too deep, bad syntax, a forbidden key.
 */
export function parseUntrustedJson(
  input: string | Uint8Array,
  options: UntrustedJsonOptions,
): unknown {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH
  const text = typeof input === 'string' ? input : decodeUtf8(input, options.source)
  // Checked before parsing because lossless-json's parser is recursive: a deeply nested body would
  // overflow the stack inside it instead of failing cleanly.
  assertDepth(text, maxDepth, options.source)
  let value: unknown
  try {
    value = parse(text, null, {
      parseNumber: (digits) => (isSafeNumber(digits) ? Number(digits) : digits),
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw HubError.validation(`${options.source} is not valid JSON: ${reason}`, {
      cause: error,
      code: 'INVALID_JSON',
    })
  }
  return sanitise(value, options)
}

function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (error) {
    throw HubError.validation(`${source} is not valid UTF-8`, {
      cause: error,
      code: 'INVALID_JSON',
    })
  }
}

/** One pass over the text counting open brackets outside strings; O(n), no recursion. */
function assertDepth(text: string, maxDepth: number, source: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c) {
        i++
      } // backslash: the next character is escaped, even if it is a quote
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) {
      inString = true
    } else if (ch === 0x7b || ch === 0x5b) {
      depth++
      if (depth > maxDepth) {
        throw HubError.validation(
          `${source} nests objects/arrays deeper than ${maxDepth} levels (at character ${i}); refusing to parse it`,
          { code: 'JSON_TOO_DEEP' },
        )
      }
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--
    }
  }
}

/** Walks the parsed tree with an explicit stack: rejects forbidden keys, applies `transform`. */
function sanitise(root: unknown, options: UntrustedJsonOptions): unknown {
  const transform = options.transform ?? ((_key: string, value: unknown) => value)
  const holder: Record<string, unknown> = { '': root }
  const stack: { container: Record<string, unknown> | unknown[]; key: string; path: string }[] = [
    { container: holder, key: '', path: '' },
  ]
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const { container, key, path } = frame
    const record = container as Record<string, unknown>
    const value = transform(key, record[key])
    record[key] = value
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push({ container: value, key: String(i), path: `${path}[${i}]` })
      }
      continue
    }
    for (const child of Object.keys(value)) {
      const childPath = path === '' ? child : `${path}.${child}`
      if (FORBIDDEN_KEYS.has(child)) {
        throw HubError.validation(
          `${options.source} contains the forbidden key "${child}" at ${childPath}; such keys are rejected to prevent prototype pollution`,
          { code: 'FORBIDDEN_JSON_KEY', path: childPath },
        )
      }
      stack.push({ container: value as Record<string, unknown>, key: child, path: childPath })
    }
  }
  return holder['']
}
