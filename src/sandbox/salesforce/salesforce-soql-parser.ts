/** @module sandbox/salesforce/salesforce-soql-parser — the SOQL subset integrations use: SELECT fields|COUNT() FROM x [WHERE …] [ORDER BY …] [LIMIT n] [OFFSET n], with Salesforce's positioned error messages. */

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'datetime'; readonly ms: number }
  | { readonly kind: 'date'; readonly value: string }

export interface FieldRef {
  /** `Name`, or `Account.Name` through a parent relationship. */
  readonly path: readonly string[]
  readonly at: number
}

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly inner: Condition }
  | {
      readonly kind: 'cmp'
      readonly field: FieldRef
      readonly op: '=' | '!=' | '<' | '<=' | '>' | '>='
      readonly value: Literal
    }
  | {
      readonly kind: 'in'
      readonly field: FieldRef
      readonly negated: boolean
      readonly values: readonly Literal[]
    }
  | { readonly kind: 'like'; readonly field: FieldRef; readonly pattern: string }

export interface OrderItem {
  readonly field: FieldRef
  readonly descending: boolean
  readonly nullsLast: boolean
}

export interface SoqlQuery {
  /** `count` for SELECT COUNT(). */
  readonly select: readonly FieldRef[] | 'count'
  readonly from: { readonly name: string; readonly at: number }
  readonly where: Condition | null
  readonly orderBy: readonly OrderItem[]
  readonly limit: number | null
  readonly offset: number | null
}

/** A query the org refuses: the error code and Salesforce's message with the caret line. */
export class SoqlError extends Error {
  readonly errorCode: string
  constructor(errorCode: string, message: string) {
    super(message)
    this.errorCode = errorCode
  }
}

/** Salesforce's message layout: the query line, a caret under the column, then the reason. */
export function positioned(soql: string, at: number, reason: string): string {
  const before = soql.slice(0, at)
  const row = before.split('\n').length
  const lineStart = before.lastIndexOf('\n') + 1
  const column = at - lineStart + 1
  const line = soql.slice(lineStart).split('\n', 1)[0] ?? ''
  return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${reason}`
}

interface Token {
  readonly kind: 'word' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'end'
  readonly text: string
  readonly at: number
}

const TOKEN =
  /\s+|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))|(\d{4}-\d{2}-\d{2})(?![\d:T])|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|('(?:[^'\\]|\\.)*')|(!=|<>|<=|>=|=|<|>)|([(),])/y

function tokenize(soql: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < soql.length) {
    TOKEN.lastIndex = at
    const m = TOKEN.exec(soql)
    if (!m) {
      throw new SoqlError(
        'MALFORMED_QUERY',
        positioned(soql, at, `unexpected token: '${soql.charAt(at)}'`),
      )
    }
    const [text, datetime, date, number, word, string, op, punct] = m
    if (datetime) tokens.push({ kind: 'datetime', text: datetime, at })
    else if (date) tokens.push({ kind: 'date', text: date, at })
    else if (number) tokens.push({ kind: 'number', text: number, at })
    else if (word) tokens.push({ kind: 'word', text: word, at })
    else if (string) tokens.push({ kind: 'string', text: string, at })
    else if (op) tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, at })
    else if (punct) tokens.push({ kind: 'punct', text: punct, at })
    at += text.length
  }
  tokens.push({ kind: 'end', text: '', at: soql.length })
  return tokens
}

const unescape = (quoted: string): string =>
  quoted.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c)

export function parseSoql(soql: string): SoqlQuery {
  const tokens = tokenize(soql)
  let i = 0
  const peek = (): Token => tokens[i] ?? { kind: 'end', text: '', at: soql.length }
  const next = (): Token => {
    const t = peek()
    i += 1
    return t
  }
  const unexpected = (t: Token): SoqlError =>
    new SoqlError(
      'MALFORMED_QUERY',
      positioned(
        soql,
        t.at,
        t.kind === 'end' ? 'unexpected token: <EOF>' : `unexpected token: '${t.text}'`,
      ),
    )
  const isWord = (t: Token, word: string): boolean =>
    t.kind === 'word' && t.text.toUpperCase() === word
  const expectWord = (word: string): Token => {
    const t = next()
    if (!isWord(t, word)) throw unexpected(t)
    return t
  }
  const expectPunct = (p: string): void => {
    const t = next()
    if (t.kind !== 'punct' || t.text !== p) throw unexpected(t)
  }
  const fieldRef = (): FieldRef => {
    const t = next()
    if (t.kind !== 'word' || KEYWORDS.has(t.text.toUpperCase())) throw unexpected(t)
    return { path: t.text.split('.'), at: t.at }
  }
  const integer = (): number => {
    const t = next()
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) throw unexpected(t)
    return Number(t.text)
  }
  const literal = (): Literal => {
    const t = next()
    if (t.kind === 'string') return { kind: 'string', value: unescape(t.text) }
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) }
    if (t.kind === 'datetime') return { kind: 'datetime', ms: Date.parse(t.text) }
    if (t.kind === 'date') return { kind: 'date', value: t.text }
    if (isWord(t, 'TRUE') || isWord(t, 'FALSE')) {
      return { kind: 'boolean', value: isWord(t, 'TRUE') }
    }
    if (isWord(t, 'NULL')) return { kind: 'null' }
    throw unexpected(t)
  }
  const primary = (): Condition => {
    if (peek().kind === 'punct' && peek().text === '(') {
      next()
      const inner = orExpr()
      expectPunct(')')
      return inner
    }
    if (isWord(peek(), 'NOT')) {
      next()
      return { kind: 'not', inner: primary() }
    }
    const field = fieldRef()
    const t = next()
    if (t.kind === 'op') {
      return {
        kind: 'cmp',
        field,
        op: t.text as '=' | '!=' | '<' | '<=' | '>' | '>=',
        value: literal(),
      }
    }
    const negated = isWord(t, 'NOT')
    const keyword = negated ? next() : t
    if (isWord(keyword, 'IN')) {
      expectPunct('(')
      const values = [literal()]
      while (peek().kind === 'punct' && peek().text === ',') {
        next()
        values.push(literal())
      }
      expectPunct(')')
      return { kind: 'in', field, negated, values }
    }
    if (!negated && isWord(keyword, 'LIKE')) {
      const pattern = literal()
      if (pattern.kind !== 'string') throw unexpected(tokens[i - 1] ?? keyword)
      return { kind: 'like', field, pattern: pattern.value }
    }
    throw unexpected(keyword)
  }
  const andExpr = (): Condition => {
    let left = primary()
    while (isWord(peek(), 'AND')) {
      next()
      left = { kind: 'and', left, right: primary() }
    }
    return left
  }
  const orExpr = (): Condition => {
    let left = andExpr()
    while (isWord(peek(), 'OR')) {
      next()
      left = { kind: 'or', left, right: andExpr() }
    }
    return left
  }

  expectWord('SELECT')
  let select: FieldRef[] | 'count'
  if (isWord(peek(), 'COUNT') && tokens[i + 1]?.text === '(') {
    next()
    expectPunct('(')
    expectPunct(')')
    select = 'count'
  } else {
    select = [fieldRef()]
    while (peek().kind === 'punct' && peek().text === ',') {
      next()
      select.push(fieldRef())
    }
  }
  expectWord('FROM')
  const fromToken = next()
  if (fromToken.kind !== 'word' || fromToken.text.includes('.')) throw unexpected(fromToken)
  const from = { name: fromToken.text, at: fromToken.at }
  let where: Condition | null = null
  if (isWord(peek(), 'WHERE')) {
    next()
    where = orExpr()
  }
  const orderBy: OrderItem[] = []
  if (isWord(peek(), 'ORDER')) {
    next()
    expectWord('BY')
    do {
      if (orderBy.length > 0) next()
      const field = fieldRef()
      let descending = false
      if (isWord(peek(), 'ASC') || isWord(peek(), 'DESC')) descending = isWord(next(), 'DESC')
      let nullsLast = descending
      if (isWord(peek(), 'NULLS')) {
        next()
        const t = next()
        if (!isWord(t, 'FIRST') && !isWord(t, 'LAST')) throw unexpected(t)
        nullsLast = isWord(t, 'LAST')
      }
      orderBy.push({ field, descending, nullsLast })
    } while (peek().kind === 'punct' && peek().text === ',')
  }
  let limit: number | null = null
  let offset: number | null = null
  if (isWord(peek(), 'LIMIT')) {
    next()
    limit = integer()
  }
  if (isWord(peek(), 'OFFSET')) {
    next()
    offset = integer()
  }
  if (peek().kind !== 'end') throw unexpected(peek())
  return { select, from, where, orderBy, limit, offset }
}

const KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'NULL',
  'TRUE',
  'FALSE',
])
