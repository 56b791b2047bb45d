/** @module sandbox/shopify/shopify-graphql-lexer — GraphQL source text → tokens (names, numbers, strings, punctuators), with line and column for errors. */

export interface GqlLocation {
  readonly line: number
  readonly column: number
}

export class GqlSyntaxError extends Error {
  readonly location: GqlLocation
  constructor(message: string, location: GqlLocation) {
    super(`${message} at [${location.line}, ${location.column}]`)
    this.name = 'GqlSyntaxError'
    this.location = location
  }
}

export type TokenKind = 'punct' | 'name' | 'number' | 'string' | 'eof'
export interface Token {
  readonly kind: TokenKind
  readonly text: string
  /** For strings: the decoded value. */
  readonly value: string
  readonly location: GqlLocation
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const NAME = /[_A-Za-z][_0-9A-Za-z]*/y
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const here = (): GqlLocation => ({ line, column: i - lineStart + 1 })
  while (i < source.length) {
    const c = source[i] as string
    if (c === '\n') {
      i += 1
      line += 1
      lineStart = i
    } else if (c === ' ' || c === '\t' || c === '\r' || c === ',' || c === '\uFEFF') {
      i += 1
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i += 1
    } else if (source.startsWith('...', i)) {
      tokens.push({ kind: 'punct', text: '...', value: '...', location: here() })
      i += 3
    } else if ('!$&()[]{}:=@|'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, value: c, location: here() })
      i += 1
    } else if (c === '"') {
      const location = here()
      const block = source.startsWith('"""', i)
      const end = block ? source.indexOf('"""', i + 3) : -1
      if (block) {
        if (end < 0) throw new GqlSyntaxError('syntax error, unterminated string', location)
        const value = source.slice(i + 3, end)
        tokens.push({ kind: 'string', text: value, value, location })
        for (const ch of value) if (ch === '\n') line += 1
        i = end + 3
        continue
      }
      let value = ''
      i += 1
      for (;;) {
        const ch = source[i]
        if (ch === undefined || ch === '\n') {
          throw new GqlSyntaxError('syntax error, unterminated string', location)
        }
        i += 1
        if (ch === '"') break
        if (ch !== '\\') {
          value += ch
          continue
        }
        const esc = source[i] ?? ''
        if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
          value += String.fromCharCode(parseInt(source.slice(i + 1, i + 5), 16))
          i += 5
        } else if (ESCAPES[esc] !== undefined) {
          value += ESCAPES[esc]
          i += 1
        } else {
          throw new GqlSyntaxError(`syntax error, bad escape \\${esc}`, here())
        }
      }
      tokens.push({ kind: 'string', text: value, value, location })
    } else {
      const location = here()
      const matched = (['number', 'name'] as const).find((kind) => {
        const pattern = kind === 'number' ? NUMBER : NAME
        pattern.lastIndex = i
        const match = pattern.exec(source)
        if (!match) return false
        tokens.push({ kind, text: match[0], value: match[0], location })
        i += match[0].length
        return true
      })
      if (matched === undefined) {
        throw new GqlSyntaxError(
          `syntax error, unexpected character ${JSON.stringify(c)}`,
          location,
        )
      }
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', location: here() })
  return tokens
}
