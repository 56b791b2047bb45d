/** @module sandbox/netsuite/netsuite-suiteql-lexer — SuiteQL text into tokens: identifiers, 'strings', numbers and operators. */

export type Token =
  | { readonly kind: 'ident'; readonly text: string; readonly upper: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number }
  | { readonly kind: 'end'; readonly at: number }

/** A query NetSuite would refuse; `detail` continues NetSuite's "Invalid search query." message. */
export class SuiteQlError extends Error {
  readonly detail: string
  constructor(detail: string) {
    super(`Invalid search query. ${detail}`)
    this.detail = detail
  }
}

const SYMBOLS = ['<=', '>=', '<>', '!=', '(', ')', ',', '.', '*', '=', '<', '>'] as const

export function tokenize(query: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < query.length) {
    const c = query[at] ?? ''
    if (/\s/.test(c)) {
      at += 1
      continue
    }
    if (c === "'") {
      // SQL strings double a quote to include one: 'O''Brien'.
      let value = ''
      let i = at + 1
      for (;;) {
        if (i >= query.length) throw new SuiteQlError(`Unterminated string at position ${at}.`)
        const ch = query[i] ?? ''
        if (ch === "'" && query[i + 1] === "'") {
          value += "'"
          i += 2
        } else if (ch === "'") {
          break
        } else {
          value += ch
          i += 1
        }
      }
      tokens.push({ kind: 'string', value, at })
      at = i + 1
      continue
    }
    const number = /^\d+(?:\.\d+)?/.exec(query.slice(at))
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), at })
      at += number[0].length
      continue
    }
    const word = /^[A-Za-z_][A-Za-z0-9_$#]*/.exec(query.slice(at))
    if (word) {
      tokens.push({ kind: 'ident', text: word[0], upper: word[0].toUpperCase(), at })
      at += word[0].length
      continue
    }
    const symbol = SYMBOLS.find((s) => query.startsWith(s, at))
    if (symbol === undefined) {
      throw new SuiteQlError(`Unexpected character '${c}' at position ${at}.`)
    }
    tokens.push({ kind: 'symbol', text: symbol, at })
    at += symbol.length
  }
  tokens.push({ kind: 'end', at })
  return tokens
}
