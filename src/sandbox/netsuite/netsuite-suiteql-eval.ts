/** @module sandbox/netsuite/netsuite-suiteql-eval — runs a parsed SuiteQL query over the records: filter (three-valued), order, project to SuiteQL's all-string rows. */

import { defaultDateText, formatDate, parseDate } from './netsuite-suiteql-dates.ts'
import type { SqlDate } from './netsuite-suiteql-dates.ts'
import { SuiteQlError } from './netsuite-suiteql-lexer.ts'
import { parseSuiteQl } from './netsuite-suiteql-parser.ts'
import type { Condition, SuiteQlQuery, ValueExpr } from './netsuite-suiteql-parser.ts'
import { SUITEQL_TABLES } from './netsuite-suiteql-tables.ts'
import type { ScanContext, SqlRow, SqlValue, SuiteQlTable } from './netsuite-suiteql-tables.ts'

/** A result row as SuiteQL returns it: lower-case keys, every value a string, nulls left out. */
export type SuiteQlRow = Record<string, string>

const isDate = (v: SqlValue): v is SqlDate => typeof v === 'object' && v !== null

/** Parses and runs `text`; every matching row, ordered and projected (paging is the caller's). */
export function runSuiteQl(ctx: ScanContext, text: string): SuiteQlRow[] {
  const query = parseSuiteQl(text)
  const table = SUITEQL_TABLES.get(query.table)
  if (!table) {
    throw new SuiteQlError(`Search error occurred: Record '${query.table}' was not found.`)
  }
  checkColumns(query, table)
  const selected =
    query.select === '*'
      ? table.columns.map((name) => ({ name, expr: column(name) }))
      : query.select.map((item, i) => ({
          name: item.alias ?? nameOf(item.expr, i),
          expr: item.expr,
        }))
  const rows = table
    .scan(ctx, transactionTypes(query.where))
    .filter((row) => query.where === undefined || test(query.where, row) === true)
  if (query.orderBy.length > 0) {
    const aliases = new Map(selected.map((s) => [s.name, s.expr]))
    const keys = query.orderBy.map((o) => ({
      // ORDER BY may name a select alias as well as a column.
      expr:
        o.expr.kind === 'column' && o.expr.qualifier === undefined
          ? (aliases.get(o.expr.name) ?? o.expr)
          : o.expr,
      descending: o.descending,
    }))
    rows.sort((a, b) => {
      for (const key of keys) {
        const order = sortOrder(value(key.expr, a), value(key.expr, b))
        if (order !== 0) return key.descending ? -order : order
      }
      return 0
    })
  }
  return rows.map((row) => {
    const out: SuiteQlRow = {}
    for (const { name, expr } of selected) {
      const shown = display(value(expr, row))
      if (shown !== null) out[name] = shown
    }
    return out
  })
}

const column = (name: string): ValueExpr => ({ kind: 'column', name })

/** Unnamed expressions come back as expr1, expr2… in select-list order. */
function nameOf(expr: ValueExpr, index: number): string {
  return expr.kind === 'column' ? expr.name : `expr${index + 1}`
}

function checkColumns(query: SuiteQlQuery, table: SuiteQlTable): void {
  const aliases = new Set(
    query.select === '*' ? [] : query.select.flatMap((s) => (s.alias ? [s.alias] : [])),
  )
  const qualifiers = new Set([table.name, ...(query.alias ? [query.alias] : [])])
  const check = (expr: ValueExpr, allowAlias: boolean): void => {
    if (expr.kind === 'toChar' || expr.kind === 'case') return check(expr.arg, allowAlias)
    if (expr.kind !== 'column') return
    if (expr.qualifier !== undefined && !qualifiers.has(expr.qualifier)) {
      throw new SuiteQlError(`Search error occurred: Unknown identifier '${expr.qualifier}'.`)
    }
    if (allowAlias && expr.qualifier === undefined && aliases.has(expr.name)) return
    if (!table.has(expr.name)) {
      throw new SuiteQlError(
        `Search error occurred: Field '${expr.name}' for record '${table.name}' was not found.`,
      )
    }
  }
  if (query.select !== '*') for (const s of query.select) check(s.expr, false)
  for (const o of query.orderBy) check(o.expr, true)
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case 'and':
      case 'or':
        walk(c.left)
        return walk(c.right)
      case 'not':
        return walk(c.inner)
      case 'compare':
        check(c.left, false)
        return check(c.right, false)
      case 'in':
        check(c.operand, false)
        return c.values.forEach((v) => check(v, false))
      case 'between':
        check(c.operand, false)
        check(c.low, false)
        return check(c.high, false)
      case 'isNull':
      case 'like':
        return check(c.operand, false)
    }
  }
  if (query.where) walk(query.where)
}

/** `type = 'SalesOrd'` (or `type IN (…)`) at the top of the WHERE lets a scan skip other transaction types. */
function transactionTypes(where: Condition | undefined): Set<string> | undefined {
  if (where === undefined) return undefined
  if (where.kind === 'and') return transactionTypes(where.left) ?? transactionTypes(where.right)
  const isType = (e: ValueExpr): boolean => e.kind === 'column' && e.name === 'type'
  const literal = (e: ValueExpr): string | null =>
    e.kind === 'literal' && typeof e.value === 'string' ? e.value : null
  if (where.kind === 'compare' && where.op === '=' && isType(where.left)) {
    const code = literal(where.right)
    return code === null ? undefined : new Set([code])
  }
  if (where.kind === 'in' && !where.negated && isType(where.operand)) {
    const codes = where.values.map(literal)
    return codes.every((c) => c !== null) ? new Set(codes) : undefined
  }
  return undefined
}

function value(expr: ValueExpr, row: SqlRow): SqlValue {
  switch (expr.kind) {
    case 'column':
      return row(expr.name)
    case 'literal':
      return expr.value
    case 'toDate':
      return parseDate(expr.text, expr.format, 'datetime')
    case 'toChar': {
      const v = value(expr.arg, row)
      if (v === null) return null
      return isDate(v) ? formatDate(v, expr.format) : String(v)
    }
    case 'case': {
      const v = value(expr.arg, row)
      if (typeof v !== 'string') return v
      return expr.upper ? v.toUpperCase() : v.toLowerCase()
    }
  }
}

function display(v: SqlValue): string | null {
  if (v === null) return null
  if (isDate(v)) return defaultDateText(v)
  return String(v)
}

/** SQL comparison: null when either side is null (unknown); refuses what Oracle cannot convert. */
function compare(a: SqlValue, b: SqlValue): number | null {
  if (a === null || b === null) return null
  if (isDate(a) || isDate(b)) {
    if (isDate(a) && isDate(b)) return Math.sign(a.ms - b.ms)
    throw new SuiteQlError('A date can only be compared with a date: use TO_DATE or TO_TIMESTAMP.')
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const [x, y] = [toNumber(a), toNumber(b)]
    return Math.sign(x - y)
  }
  return a < b ? -1 : a > b ? 1 : 0
}

function toNumber(v: string | number): number {
  if (typeof v === 'number') return v
  if (!/^\s*-?\d+(?:\.\d+)?\s*$/.test(v)) throw new SuiteQlError(`Invalid number: '${v}'.`)
  return Number(v)
}

/** For ORDER BY: never throws; nulls sort last, as Oracle does ascending. */
function sortOrder(a: SqlValue, b: SqlValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  if (isDate(a) && isDate(b)) return Math.sign(a.ms - b.ms)
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b)
  const [x, y] = [display(a) ?? '', display(b) ?? '']
  return x < y ? -1 : x > y ? 1 : 0
}

const not = (v: boolean | null): boolean | null => (v === null ? null : !v)

/** Three-valued logic: true, false or null (unknown); only true keeps a row. */
function test(c: Condition, row: SqlRow): boolean | null {
  switch (c.kind) {
    case 'and': {
      const [l, r] = [test(c.left, row), test(c.right, row)]
      return l === false || r === false ? false : l === null || r === null ? null : true
    }
    case 'or': {
      const [l, r] = [test(c.left, row), test(c.right, row)]
      return l === true || r === true ? true : l === null || r === null ? null : false
    }
    case 'not':
      return not(test(c.inner, row))
    case 'compare': {
      const order = compare(value(c.left, row), value(c.right, row))
      if (order === null) return null
      const ops = {
        '=': order === 0,
        '!=': order !== 0,
        '<': order < 0,
        '<=': order <= 0,
        '>': order > 0,
        '>=': order >= 0,
      }
      return ops[c.op]
    }
    case 'in': {
      const operand = value(c.operand, row)
      const results = c.values.map((v) => compare(operand, value(v, row)))
      const found = results.some((r) => r === 0)
        ? true
        : results.some((r) => r === null)
          ? null
          : false
      return c.negated ? not(found) : found
    }
    case 'isNull': {
      const isNull = value(c.operand, row) === null
      return c.negated ? !isNull : isNull
    }
    case 'like': {
      const v = value(c.operand, row)
      if (v === null) return null
      const pattern = c.pattern
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')
      const found = new RegExp(`^${pattern}$`, 's').test(display(v) ?? '')
      return c.negated ? !found : found
    }
    case 'between': {
      const v = value(c.operand, row)
      const low = compare(v, value(c.low, row))
      const high = compare(v, value(c.high, row))
      const inside = low === null || high === null ? null : low >= 0 && high <= 0
      return c.negated ? not(inside) : inside
    }
  }
}
