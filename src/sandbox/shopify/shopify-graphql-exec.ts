/** @module sandbox/shopify/shopify-graphql-exec — the sandbox schema's shape, and the execution of a validated operation: resolvers, connections, the actual cost. */

import type { GqlField, GqlOperation } from './shopify-graphql-parser.ts'
import { valueOf } from './shopify-graphql-parser.ts'

export type Args = Readonly<Record<string, unknown>>

/**
 * `scalar`: a leaf (also a list of scalars). `object`: one object. `list`: a plain list of
 * objects (Shopify's `fulfillments(first:)`). `connection`: a paged list read through `edges`,
 * `nodes` and `pageInfo`, which must be given `first`.
 */
export type FieldShape = 'scalar' | 'object' | 'list' | 'connection'

export interface FieldDef<C> {
  readonly type: string
  readonly shape: FieldShape
  readonly args?: readonly string[]
  readonly required?: readonly string[]
  resolve(parent: never, args: Args, ctx: C): unknown
}

export type TypeDef<C> = Readonly<Record<string, FieldDef<C>>>

export interface GqlSchema<C> {
  readonly types: Readonly<Record<string, TypeDef<C>>>
  readonly query: string
  readonly mutation: string
}

export interface GqlError {
  readonly message: string
  readonly locations?: readonly { line: number; column: number }[]
  readonly path?: readonly (string | number)[]
  readonly extensions?: Readonly<Record<string, unknown>>
}

/** Thrown by a resolver: the field becomes null and the error is listed, like Shopify's. */
export class GqlFieldError extends Error {
  readonly code: string
  constructor(message: string, code: string) {
    super(message)
    this.code = code
  }
}

/** Shopify's prices: an object 1, a scalar 0, a connection 2 + its page size × a node, a mutation 10. */
export const MUTATION_COST = 10
export const CONNECTION_COST = 2
export const MAX_PAGE = 250
/** A plain list without `first` is priced as this many objects. */
export const LIST_DEFAULT = 10

export const CONNECTION_PARTS = new Set(['edges', 'nodes', 'pageInfo'])

export const at = (field: GqlField) => [
  { line: field.location.line, column: field.location.column },
]

export function argsOf(field: GqlField, variables: Args): Record<string, unknown> {
  return Object.fromEntries(field.args.map((a) => [a.name, valueOf(a.value, variables)]))
}

/** The node selection of a connection: `nodes { … }` and `edges { node { … } }` together. */
export function nodeSelections(field: GqlField): GqlField[] {
  const out: GqlField[] = []
  for (const part of field.selections ?? []) {
    if (part.name === 'nodes') out.push(...(part.selections ?? []))
    if (part.name === 'edges') {
      for (const e of part.selections ?? []) {
        if (e.name === 'node') out.push(...(e.selections ?? []))
      }
    }
  }
  return out
}

export interface Execution {
  readonly data: Record<string, unknown>
  readonly errors: GqlError[]
  readonly actualCost: number
}

/** Runs a validated operation; the actual cost counts the objects really returned. */
export function executeOperation<C>(
  schema: GqlSchema<C>,
  op: GqlOperation,
  variables: Args,
  ctx: C,
): Execution {
  const run = new Run(schema, variables, ctx)
  const root = op.type === 'mutation' ? schema.mutation : schema.query
  const data: Record<string, unknown> = {}
  for (const field of op.selections) {
    run.counting = op.type !== 'mutation'
    if (op.type === 'mutation') run.cost += MUTATION_COST
    Object.assign(data, run.select([field], root, {}, [op.type]))
  }
  return { data, errors: run.errors, actualCost: run.cost }
}

class Run<C> {
  readonly #schema: GqlSchema<C>
  readonly #variables: Args
  readonly #ctx: C
  readonly errors: GqlError[] = []
  cost = 0
  counting = true

  constructor(schema: GqlSchema<C>, variables: Args, ctx: C) {
    this.#schema = schema
    this.#variables = variables
    this.#ctx = ctx
  }

  select(
    selections: readonly GqlField[],
    typeName: string,
    parent: unknown,
    path: (string | number)[],
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const field of selections) {
      const here = [...path, field.key]
      if (field.name === '__typename') {
        out[field.key] = typeName
        continue
      }
      const def = this.#schema.types[typeName]?.[field.name] as FieldDef<C>
      const args = argsOf(field, this.#variables)
      let value: unknown
      try {
        value = def.resolve(parent as never, args, this.#ctx)
      } catch (error) {
        if (!(error instanceof GqlFieldError)) throw error
        this.errors.push({
          message: error.message,
          locations: at(field),
          path: here,
          extensions: { code: error.code },
        })
        out[field.key] = null
        continue
      }
      out[field.key] = this.#shape(field, def, args, value, here)
    }
    return out
  }

  #count(n: number): void {
    if (this.counting) this.cost += n
  }

  #shape(
    field: GqlField,
    def: FieldDef<C>,
    args: Args,
    value: unknown,
    path: (string | number)[],
  ): unknown {
    if (value === undefined || value === null) return null
    const sub = field.selections ?? []
    if (def.shape === 'scalar') return value
    if (def.shape === 'object') {
      this.#count(1)
      return this.select(sub, def.type, value, path)
    }
    const all = value as readonly unknown[]
    const first = typeof args.first === 'number' ? args.first : all.length
    if (def.shape === 'list') {
      const items = all.slice(0, first)
      this.#count(items.length)
      return items.map((item, i) => this.select(sub, def.type, item, [...path, i]))
    }
    const after = typeof args.after === 'string' ? cursorIndex(args.after) + 1 : 0
    const items = all.slice(after, after + first)
    this.#count(CONNECTION_COST + items.length)
    const node = (item: unknown, i: number) =>
      this.select(nodeSelections(field), def.type, item, [...path, 'nodes', i])
    const nodes = items.map(node)
    const out: Record<string, unknown> = {}
    for (const part of sub) {
      if (part.name === 'nodes') out[part.key] = this.#pick(part, nodes)
      if (part.name === '__typename') out[part.key] = `${def.type}Connection`
      if (part.name === 'edges') {
        out[part.key] = nodes.map((n, i) => {
          const edge: Record<string, unknown> = {}
          for (const e of part.selections ?? []) {
            if (e.name === 'cursor') edge[e.key] = cursorOf(after + i)
            if (e.name === 'node') edge[e.key] = this.#pick(e, [n])[0]
          }
          return edge
        })
      }
      if (part.name === 'pageInfo') {
        const info: Record<string, unknown> = {
          hasNextPage: after + items.length < all.length,
          hasPreviousPage: after > 0,
          startCursor: items.length > 0 ? cursorOf(after) : null,
          endCursor: items.length > 0 ? cursorOf(after + items.length - 1) : null,
        }
        out[part.key] = Object.fromEntries(
          (part.selections ?? []).map((p) => [p.key, info[p.name] ?? null]),
        )
      }
    }
    return out
  }

  /** Re-keys resolved nodes for one `nodes` / `node` selection (aliases may differ between them). */
  #pick(part: GqlField, nodes: readonly Record<string, unknown>[]): Record<string, unknown>[] {
    const wanted = part.selections ?? []
    return nodes.map((n) => Object.fromEntries(wanted.map((w) => [w.key, n[w.key] ?? null])))
  }
}

const cursorOf = (index: number): string => Buffer.from(`i:${index}`).toString('base64url')
function cursorIndex(cursor: string): number {
  const match = /^i:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  return match ? Number(match[1]) : -1
}
