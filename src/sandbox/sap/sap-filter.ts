/** @module sandbox/sap/sap-filter — the OData v2 $filter subset Gateway hands to SAP's select-options: comparisons, and/or/not, substringof/startswith/endswith, typed literals. */

import { fail, ok, sapErrors } from './sap-errors.ts'
import type { Outcome } from './sap-errors.ts'
import type { EntityTypeDef, PropertyDef } from './sap-model.ts'
import { alphaInternal, parseDate } from './sap-wire.ts'
import type { Row } from './sap-wire.ts'

type Literal = string | number | boolean | null
const COMPARISONS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const
type Comparison = (typeof COMPARISONS)[number]
const FUNCTIONS: Readonly<Record<string, number>> = {
  substringof: 2,
  startswith: 2,
  endswith: 2,
  tolower: 1,
  toupper: 1,
  length: 1,
  trim: 1,
}

export type FilterExpr =
  | { readonly k: 'lit'; readonly value: Literal }
  | { readonly k: 'prop'; readonly def: PropertyDef }
  | { readonly k: 'cmp'; readonly op: Comparison; readonly l: FilterExpr; readonly r: FilterExpr }
  | {
      readonly k: 'bool'
      readonly op: 'and' | 'or'
      readonly l: FilterExpr
      readonly r: FilterExpr
    }
  | { readonly k: 'not'; readonly e: FilterExpr }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly FilterExpr[] }

type Token = {
  readonly t: 'punct' | 'word' | 'lit'
  readonly text: string
  readonly lit?: FilterExpr
}

class FilterSyntaxError extends Error {}

const TOKEN =
  /\s*(?:(\(|\)|,)|(datetime|datetimeoffset|guid|time)'([^']*)'|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[mMdDfFlL]?|([A-Za-z_][A-Za-z0-9_]*))/y

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break
    TOKEN.lastIndex = at
    const m = TOKEN.exec(text)
    if (!m) throw new FilterSyntaxError(`unexpected character at position ${at}`)
    at = TOKEN.lastIndex
    if (m[1] !== undefined) tokens.push({ t: 'punct', text: m[1] })
    else if (m[2] !== undefined) {
      const kind = m[2]
      const raw = m[3] ?? ''
      if (kind === 'datetime' || kind === 'datetimeoffset') {
        const ms = parseDate(raw)
        if (ms === null) throw new FilterSyntaxError(`invalid ${kind} literal '${raw}'`)
        tokens.push({ t: 'lit', text: m[0], lit: { k: 'lit', value: ms } })
      } else tokens.push({ t: 'lit', text: m[0], lit: { k: 'lit', value: raw } })
    } else if (m[4] !== undefined) {
      const value = m[4].replace(/''/g, "'")
      tokens.push({ t: 'lit', text: m[0], lit: { k: 'lit', value } })
    } else if (m[5] !== undefined) {
      tokens.push({ t: 'lit', text: m[0], lit: { k: 'lit', value: Number(m[5]) } })
    } else tokens.push({ t: 'word', text: m[6] ?? '' })
  }
  return tokens
}

/** A recursive-descent parser: or → and → not → comparison → operand. */
class Parser {
  readonly #tokens: Token[]
  readonly #type: EntityTypeDef
  #at = 0

  constructor(tokens: Token[], type: EntityTypeDef) {
    this.#tokens = tokens
    this.#type = type
  }

  parse(): FilterExpr {
    const expr = this.#or()
    if (this.#at < this.#tokens.length) {
      throw new FilterSyntaxError(`unexpected '${this.#tokens[this.#at]?.text ?? ''}'`)
    }
    return expr
  }

  #peekWord(...words: string[]): boolean {
    const token = this.#tokens[this.#at]
    return token?.t === 'word' && words.includes(token.text)
  }

  #expect(text: string): void {
    const token = this.#tokens[this.#at]
    if (token?.t !== 'punct' || token.text !== text) {
      throw new FilterSyntaxError(`expected '${text}'`)
    }
    this.#at += 1
  }

  #or(): FilterExpr {
    let left = this.#and()
    while (this.#peekWord('or')) {
      this.#at += 1
      left = { k: 'bool', op: 'or', l: left, r: this.#and() }
    }
    return left
  }

  #and(): FilterExpr {
    let left = this.#not()
    while (this.#peekWord('and')) {
      this.#at += 1
      left = { k: 'bool', op: 'and', l: left, r: this.#not() }
    }
    return left
  }

  #not(): FilterExpr {
    if (this.#peekWord('not')) {
      this.#at += 1
      return { k: 'not', e: this.#not() }
    }
    return this.#comparison()
  }

  #comparison(): FilterExpr {
    const left = this.#operand()
    const token = this.#tokens[this.#at]
    if (token?.t === 'word' && (COMPARISONS as readonly string[]).includes(token.text)) {
      this.#at += 1
      return { k: 'cmp', op: token.text as Comparison, l: left, r: this.#operand() }
    }
    return left
  }

  #operand(): FilterExpr {
    const token = this.#tokens[this.#at]
    if (!token) throw new FilterSyntaxError('unexpected end of expression')
    this.#at += 1
    if (token.t === 'lit' && token.lit) return token.lit
    if (token.t === 'punct' && token.text === '(') {
      const inner = this.#or()
      this.#expect(')')
      return inner
    }
    if (token.t !== 'word') throw new FilterSyntaxError(`unexpected '${token.text}'`)
    if (token.text === 'true' || token.text === 'false') {
      return { k: 'lit', value: token.text === 'true' }
    }
    if (token.text === 'null') return { k: 'lit', value: null }
    const arity = FUNCTIONS[token.text]
    if (arity !== undefined && this.#tokens[this.#at]?.text === '(') {
      this.#expect('(')
      const args: FilterExpr[] = [this.#or()]
      while (this.#tokens[this.#at]?.text === ',') {
        this.#at += 1
        args.push(this.#or())
      }
      this.#expect(')')
      if (args.length !== arity) {
        throw new FilterSyntaxError(`${token.text} takes ${arity} arguments`)
      }
      return { k: 'call', fn: token.text, args }
    }
    const def = this.#type.properties.find((p) => p.name === token.text)
    if (!def) {
      throw new FilterSyntaxError(`property '${token.text}' not found in type '${this.#type.name}'`)
    }
    return { k: 'prop', def }
  }
}

export function parseFilter(type: EntityTypeDef, text: string): Outcome<FilterExpr> {
  try {
    return ok(new Parser(tokenize(text), type).parse())
  } catch (error) {
    if (error instanceof FilterSyntaxError) return fail(sapErrors.syntax('$filter', error.message))
    throw error
  }
}

/** The property a comparison is about, so the other side is read with its type. */
const propOf = (e: FilterExpr): PropertyDef | undefined => (e.k === 'prop' ? e.def : undefined)

/** Brings a value into the form ABAP compares: numbers for decimals, zero-padded ALPHA numbers. */
function comparable(value: Literal, def: PropertyDef | undefined): Literal {
  if (value === null || def === undefined) return value
  if (def.type === 'Edm.Decimal') return Number(value)
  if (def.type === 'Edm.String' && def.alpha && def.maxLength !== undefined) {
    return alphaInternal(String(value), def.maxLength)
  }
  return value
}

function compare(op: Comparison, a: Literal, b: Literal): boolean {
  if (op === 'eq') return a === b
  if (op === 'ne') return a !== b
  if (a === null || b === null) return false
  const order = a < b ? -1 : a > b ? 1 : 0
  return op === 'gt' ? order > 0 : op === 'ge' ? order >= 0 : op === 'lt' ? order < 0 : order <= 0
}

function evaluate(e: FilterExpr, row: Row): Literal {
  switch (e.k) {
    case 'lit':
      return e.value
    case 'prop':
      return row[e.def.name] ?? null
    case 'not':
      return evaluate(e.e, row) !== true
    case 'bool': {
      const left = evaluate(e.l, row) === true
      return e.op === 'and'
        ? left && evaluate(e.r, row) === true
        : left || evaluate(e.r, row) === true
    }
    case 'cmp': {
      const def = propOf(e.l) ?? propOf(e.r)
      return compare(e.op, comparable(evaluate(e.l, row), def), comparable(evaluate(e.r, row), def))
    }
    case 'call': {
      const args = e.args.map((a) => evaluate(a, row))
      const [a, b] = args.map((v) => (v === null ? '' : String(v)))
      switch (e.fn) {
        case 'substringof':
          return (b ?? '').includes(a ?? '')
        case 'startswith':
          return (a ?? '').startsWith(b ?? '')
        case 'endswith':
          return (a ?? '').endsWith(b ?? '')
        case 'tolower':
          return (a ?? '').toLowerCase()
        case 'toupper':
          return (a ?? '').toUpperCase()
        case 'length':
          return (a ?? '').length
        default:
          return (a ?? '').trim()
      }
    }
  }
}

/** True when the row satisfies the filter; a non-boolean result (a bare property) matches nothing. */
export function matches(filter: FilterExpr, row: Row): boolean {
  return evaluate(filter, row) === true
}
