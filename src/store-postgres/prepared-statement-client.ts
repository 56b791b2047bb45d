/** @module store-postgres/prepared-statement-client — a `pg.Client` that prepares the hub's
 * parameterized statements once per connection and then only binds and executes them.
 *
 * Why: the hub's hot path is many short statements (step start, step completion, run completion,
 * version checks), each a data-modifying CTE that PostgreSQL would otherwise parse, analyse and
 * plan on every call. Measured on the statements of one W2 order (`docs/benchmarks.md`):
 * PostgreSQL CPU per order 5.1 → 2.75 ms, the hub's 2.1 → 1.4 ms.
 *
 * The name is derived from the statement text, so the same text always maps to the same server
 * statement and no call site has to name anything. Texts without parameters are sent as they are:
 * migrations are multi-statement scripts, which PostgreSQL refuses to prepare. A connection
 * prepares at most `limit` distinct texts; beyond that (a query builder producing texts of
 * varying shape) statements run unnamed, so memory on the server stays bounded.
 */
import { createHash } from 'node:crypto'
import pg from 'pg'

/** Distinct statements one connection keeps prepared before it stops preparing new ones. */
export const PREPARED_PER_CONNECTION = 256

/** Text → statement name, shared by every connection (the name depends on the text alone). */
const names = new Map<string, string>()

function statementName(text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    // A digest, not a counter: two pools in one process must agree on nothing but the text.
    name = `syncline_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`
    if (names.size < 4 * PREPARED_PER_CONNECTION) names.set(text, name)
  }
  return name
}

type AnyQuery = (...args: unknown[]) => unknown

export class PreparedStatementClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config)
    const prepared = new Set<string>()
    const base = this.query.bind(this) as AnyQuery
    // An own property rather than an override: pg's typings overload `query` a dozen ways, and
    // this forwards every form but one unchanged.
    this.query = ((...args: unknown[]) => {
      const [text, values] = args
      if (
        args.length === 2 &&
        typeof text === 'string' &&
        Array.isArray(values) &&
        values.length > 0
      ) {
        const name = statementName(text)
        if (prepared.has(name) || prepared.size < PREPARED_PER_CONNECTION) {
          prepared.add(name)
          return base({ name, text, values })
        }
      }
      return base(...args)
    }) as pg.Client['query']
  }
}
