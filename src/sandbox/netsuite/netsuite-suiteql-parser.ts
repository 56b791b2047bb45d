/** @module sandbox/netsuite/netsuite-suiteql-parser — a recursive-descent parser for the SuiteQL subset the simulator answers. */

import { SuiteQlError, tokenize } from './netsuite-suiteql-lexer.ts'
import type { Token } from './netsuite-suiteql-lexer.ts'

/*
 * The subset, in EBNF (keywords case-insensitive):
 *   query     = SELECT [DISTINCT] columns FROM table [[AS] alias] [WHERE condition]
 *               [ORDER BY order {"," order}]
 *   columns   = "*" | item {"," item}          item  = value [[AS] alias]
 *   value     = column | literal | TO_CHAR(column, 'fmt') | TO_DATE('text', 'fmt')
 *             | TO_TIMESTAMP('text', 'fmt') | UPPER(value) | LOWER(value)
 *   column    = name | qualifier "." name      literal = 'string' | number | NULL
 *   condition = conj {OR conj}                 conj = neg {AND neg}
 *   neg       = NOT neg | "(" condition ")" | predicate
 *   predicate = value (op value | [NOT] IN "(" value {"," value} ")" | IS [NOT] NULL
 *             | [NOT] LIKE 'pattern' | [NOT] BETWEEN value AND value)
 *   op        = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">="
 *   order     = (column | alias) [ASC | DESC]
 */

export type ValueExpr =
  | { readonly kind: 'column'; readonly qualifier?: string; readonly name: string }
  | { readonly kind: 'literal'; readonly value: string | number | null }
  | { readonly kind: 'toDate'; readonly text: string; readonly format: string }
  | { readonly kind: 'toChar'; readonly arg: ValueExpr; readonly format: string }
  | { readonly kind: 'case'; readonly upper: boolean; readonly arg: ValueExpr }

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>='

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly inner: Condition }
  | {
      readonly kind: 'compare'
      readonly op: CompareOp
      readonly left: ValueExpr
      readonly right: ValueExpr
    }
  | {
      readonly kind: 'in'
      readonly negated: boolean
      readonly operand: ValueExpr
      readonly values: readonly ValueExpr[]
    }
  | { readonly kind: 'isNull'; readonly negated: boolean; readonly operand: ValueExpr }
  | {
      readonly kind: 'like'
      readonly negated: boolean
      readonly operand: ValueExpr
      readonly pattern: string
    }
  | {
      readonly kind: 'between'
      readonly negated: boolean
      readonly operand: ValueExpr
      readonly low: ValueExpr
      readonly high: ValueExpr
    }

export interface SelectItem {
  readonly expr: ValueExpr
  readonly alias?: string
}

export interface SuiteQlQuery {
  readonly select: readonly SelectItem[] | '*'
  readonly table: string
  readonly alias?: string
  readonly where?: Condition
  readonly orderBy: readonly { readonly expr: ValueExpr; readonly descending: boolean }[]
}

const RESERVED = new Set(
  'SELECT DISTINCT FROM WHERE AND OR NOT IN IS NULL LIKE BETWEEN ORDER BY ASC DESC AS'.split(' '),
)

export function parseSuiteQl(text: string): SuiteQlQuery {
  return new Parser(tokenize(text)).query()
}

class Parser {
  readonly #tokens: Token[]
  #at = 0

  constructor(tokens: Token[]) {
    this.#tokens = tokens
  }

  query(): SuiteQlQuery {
    this.#keyword('SELECT')
    this.#acceptKeyword('DISTINCT')
    const select = this.#acceptSymbol('*') ? '*' : this.#list(() => this.#selectItem())
    this.#keyword('FROM')
    const table = this.#name().toLowerCase()
    const alias = this.#alias()
    const where = this.#acceptKeyword('WHERE') ? this.#condition() : undefined
    let orderBy: SuiteQlQuery['orderBy'] = []
    if (this.#acceptKeyword('ORDER')) {
      this.#keyword('BY')
      orderBy = this.#list(() => {
        const expr = this.#value()
        const descending = this.#acceptKeyword('DESC')
        if (!descending) this.#acceptKeyword('ASC')
        return { expr, descending }
      })
    }
    const end = this.#peek()
    if (end.kind !== 'end') this.#unexpected(end)
    return {
      select,
      table,
      ...(alias === undefined ? {} : { alias }),
      ...(where === undefined ? {} : { where }),
      orderBy,
    }
  }

  #selectItem(): SelectItem {
    const expr = this.#value()
    const alias = this.#alias()
    return alias === undefined ? { expr } : { expr, alias }
  }

  #alias(): string | undefined {
    if (this.#acceptKeyword('AS')) return this.#name().toLowerCase()
    const next = this.#peek()
    if (next.kind === 'ident' && !RESERVED.has(next.upper)) {
      this.#at += 1
      return next.text.toLowerCase()
    }
    return undefined
  }

  #condition(): Condition {
    let left = this.#conjunction()
    while (this.#acceptKeyword('OR')) left = { kind: 'or', left, right: this.#conjunction() }
    return left
  }

  #conjunction(): Condition {
    let left = this.#negation()
    while (this.#acceptKeyword('AND')) left = { kind: 'and', left, right: this.#negation() }
    return left
  }

  #negation(): Condition {
    if (this.#acceptKeyword('NOT')) return { kind: 'not', inner: this.#negation() }
    if (this.#acceptSymbol('(')) {
      const inner = this.#condition()
      this.#symbol(')')
      return inner
    }
    return this.#predicate()
  }

  #predicate(): Condition {
    const operand = this.#value()
    if (this.#acceptKeyword('IS')) {
      const negated = this.#acceptKeyword('NOT')
      this.#keyword('NULL')
      return { kind: 'isNull', negated, operand }
    }
    const negated = this.#acceptKeyword('NOT')
    if (this.#acceptKeyword('IN')) {
      this.#symbol('(')
      const values = this.#list(() => this.#value())
      this.#symbol(')')
      return { kind: 'in', negated, operand, values }
    }
    if (this.#acceptKeyword('LIKE')) {
      return { kind: 'like', negated, operand, pattern: this.#string() }
    }
    if (this.#acceptKeyword('BETWEEN')) {
      const low = this.#value()
      this.#keyword('AND')
      return { kind: 'between', negated, operand, low, high: this.#value() }
    }
    if (negated) this.#unexpected(this.#peek())
    const token = this.#peek()
    const op = token.kind === 'symbol' ? token.text : ''
    if (!['=', '!=', '<>', '<', '<=', '>', '>='].includes(op)) this.#unexpected(token)
    this.#at += 1
    const normalised = (op === '<>' ? '!=' : op) as CompareOp
    return { kind: 'compare', op: normalised, left: operand, right: this.#value() }
  }

  #value(): ValueExpr {
    const token = this.#next()
    if (token.kind === 'string') return { kind: 'literal', value: token.value }
    if (token.kind === 'number') return { kind: 'literal', value: token.value }
    if (token.kind !== 'ident') return this.#unexpected(token)
    if (token.upper === 'NULL') return { kind: 'literal', value: null }
    if (RESERVED.has(token.upper)) return this.#unexpected(token)
    if (this.#acceptSymbol('(')) return this.#call(token)
    if (this.#acceptSymbol('.')) {
      return {
        kind: 'column',
        qualifier: token.text.toLowerCase(),
        name: this.#name().toLowerCase(),
      }
    }
    return { kind: 'column', name: token.text.toLowerCase() }
  }

  #call(fn: Extract<Token, { kind: 'ident' }>): ValueExpr {
    let expr: ValueExpr
    switch (fn.upper) {
      case 'TO_DATE':
      case 'TO_TIMESTAMP': {
        const text = this.#string()
        this.#symbol(',')
        expr = { kind: 'toDate', text, format: this.#string() }
        break
      }
      case 'TO_CHAR': {
        const arg = this.#value()
        this.#symbol(',')
        expr = { kind: 'toChar', arg, format: this.#string() }
        break
      }
      case 'UPPER':
      case 'LOWER':
        expr = { kind: 'case', upper: fn.upper === 'UPPER', arg: this.#value() }
        break
      default:
        throw new SuiteQlError(`Unsupported function ${fn.text} at position ${fn.at}.`)
    }
    this.#symbol(')')
    return expr
  }

  #list<T>(item: () => T): T[] {
    const items = [item()]
    while (this.#acceptSymbol(',')) items.push(item())
    return items
  }

  #name(): string {
    const token = this.#next()
    if (token.kind !== 'ident' || RESERVED.has(token.upper)) return this.#unexpected(token)
    return token.text
  }

  #string(): string {
    const token = this.#next()
    return token.kind === 'string' ? token.value : this.#unexpected(token)
  }

  #keyword(word: string): void {
    if (!this.#acceptKeyword(word)) this.#unexpected(this.#peek())
  }

  #acceptKeyword(word: string): boolean {
    const token = this.#peek()
    if (token.kind !== 'ident' || token.upper !== word) return false
    this.#at += 1
    return true
  }

  #symbol(text: string): void {
    if (!this.#acceptSymbol(text)) this.#unexpected(this.#peek())
  }

  #acceptSymbol(text: string): boolean {
    const token = this.#peek()
    if (token.kind !== 'symbol' || token.text !== text) return false
    this.#at += 1
    return true
  }

  #peek(): Token {
    return this.#tokens[this.#at] ?? { kind: 'end', at: -1 }
  }

  #next(): Token {
    const token = this.#peek()
    if (token.kind !== 'end') this.#at += 1
    return token
  }

  #unexpected(token: Token): never {
    const shown =
      token.kind === 'end'
        ? 'end of query'
        : token.kind === 'string'
          ? `'${token.value}'`
          : token.kind === 'number'
            ? String(token.value)
            : token.text
    throw new SuiteQlError(
      `Invalid or unsupported search: unexpected ${shown} at position ${token.at}.`,
    )
  }
}
