/** @module connectors/wire/untrusted-json — lossless, size-bounded, pollution-proof JSON parsing for wire data. */
// For String#isWellFormed alone: Node 20 has it, but the project's lib stays ES2023 so that it
// offers nothing else Node 20 lacks.
/// <reference lib="es2024.string" />
import { isSafeNumber, parse } from 'lossless-json'
import { HubError } from '../../errors/hub-error.ts'

export const DEFAULT_MAX_JSON_DEPTH = 64

/**
 * Values (scalars, arrays, objects) plus object keys. A large real order — hundreds of line items,
 * each with its tax lines and price sets — holds tens of thousands; a signed body cannot make the
 * hub parse, map and store more than this.
 */
export const DEFAULT_MAX_JSON_VALUES = 100_000

/** Keys that could reach an object's prototype chain once the data is merged or spread elsewhere. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export interface UntrustedJsonOptions {
  /** Names the sender in error messages, e.g. `Shopify webhook body`. */
  source: string
  maxDepth?: number
  /** Most values and keys the text may hold; see DEFAULT_MAX_JSON_VALUES. */
  maxValues?: number
  /**
   * Rewrites a value after parsing, given its key (`''` at the root, the index for array items).
   * Used by connectors for rules such as "ids are always strings".
   */
  transform?: (key: string, value: unknown) => unknown
}

/**
 * Parses JSON text or UTF-8 bytes. Numbers that a JS number represents exactly become numbers;
 * any other number (int64 ids above 2^53, long decimals) becomes its exact decimal string.
 * Throws HubError.validation saying what is wrong: bad UTF-8, too deep, too many values, bad
 * syntax, a forbidden key, a string that is not well-formed Unicode (an escaped lone surrogate).
 */
export function parseUntrustedJson(
  input: string | Uint8Array,
  options: UntrustedJsonOptions,
): unknown {
  const text = typeof input === 'string' ? input : decodeUtf8(input, options.source)
  // Checked before parsing because lossless-json's parser is recursive (a deeply nested body would
  // overflow the stack inside it) and its work grows with the value count: refusing early is cheap.
  assertBounded(text, {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH,
    maxValues: options.maxValues ?? DEFAULT_MAX_JSON_VALUES,
    source: options.source,
  })
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

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d

function isJsonWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09
}

/**
 * One pass over the text outside strings, O(n) and without recursion: tracks the bracket depth and
 * counts each value and key once, where its first character stands (after `[`, `{`, `,` or `:`).
 * On valid JSON the count is exact; on invalid JSON the parser reports the error afterwards.
 */
function assertBounded(
  text: string,
  limits: { maxDepth: number; maxValues: number; source: string },
): void {
  const { maxDepth, maxValues, source } = limits
  let depth = 0
  let values = 0
  let inString = false
  let expectValue = true
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      // A backslash escapes the next character, even a quote.
      if (ch === BACKSLASH) i++
      else if (ch === QUOTE) inString = false
      continue
    }
    if (isJsonWhitespace(ch)) continue
    if (ch === COMMA || ch === COLON) {
      expectValue = true
      continue
    }
    if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
      depth--
      expectValue = false
      continue
    }
    if (expectValue) {
      values++
      expectValue = false
      if (values > maxValues) {
        throw HubError.validation(
          `${source} holds more than ${maxValues} JSON values and keys (limit exceeded at character ${i}); refusing to parse it`,
          { code: 'JSON_TOO_LARGE' },
        )
      }
    }
    if (ch === QUOTE) {
      inString = true
    } else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) {
      depth++
      expectValue = true
      if (depth > maxDepth) {
        throw HubError.validation(
          `${source} nests objects/arrays deeper than ${maxDepth} levels (at character ${i}); refusing to parse it`,
          { code: 'JSON_TOO_DEEP' },
        )
      }
    }
  }
}

/**
 * An escaped lone surrogate (`"\ud800"`) parses to a string no UTF-8 store or peer accepts
 * (PostgreSQL's jsonb refuses it), so it is refused here like its raw-byte form.
 */
function notWellFormed(source: string, what: string, path: string): HubError {
  return HubError.validation(
    `${source} contains ${what} that is not well-formed Unicode (an unpaired surrogate such as "\\ud800") at ${path === '' ? '(root)' : path}`,
    { code: 'INVALID_JSON', path },
  )
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
    const raw = record[key]
    if (typeof raw === 'string' && !raw.isWellFormed()) {
      throw notWellFormed(options.source, 'a string', path)
    }
    const value = transform(key, raw)
    record[key] = value
    if (typeof value !== 'object' || value === null) continue
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push({ container: value, key: String(i), path: `${path}[${i}]` })
      }
      continue
    }
    for (const child of Object.keys(value)) {
      // The path named in the error must itself be storable, so the bad key is left out of it.
      if (!child.isWellFormed()) throw notWellFormed(options.source, 'a key', path)
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
