/** @module store-embedded/pglite-prepared-statements — the embedded store's parameterized
 * statements, each prepared once on PGlite's session and then only bound and executed.
 *
 * Why: `PGlite.query` parses, describes, binds, describes and executes every call as five
 * separate trips into WebAssembly, and PostgreSQL plans the statement anew each time. The hub's
 * hot statements are data-modifying CTEs whose planning cost more than their execution: measured
 * with `explain analyze` inside PGlite through an embedded W2 run, the claim planned in 2.1 ms and
 * ran in 1.0, ingest and step starts planned in 0.4–0.7 ms and ran in 0.5–0.6. A prepared
 * statement is parsed and described once; each call is then one trip (bind, execute, sync) and
 * PostgreSQL's plan cache may reuse a generic plan, as the `pg` driver's prepared statements do
 * on PostgreSQL (`store-postgres/prepared-statement-client.ts`).
 *
 * PGlite is one session, so one cache per instance; the caller serializes access to it (the
 * dialect's connection mutex). At most `limit` distinct texts are prepared; past that, texts run
 * through `PGlite.query` unprepared, so a query builder producing texts of varying shape cannot
 * grow the session's memory without bound.
 */
import {
  parse,
  protocol,
  type PGlite,
  type Results,
  type messages as PGliteMessages,
} from '@electric-sql/pglite'

/** Distinct statements kept prepared on the session, as on each PostgreSQL connection. */
export const PGLITE_PREPARED_LIMIT = 256

type BackendMessage = PGliteMessages.BackendMessage

interface PreparedStatement {
  readonly name: string
  /** The parameters' type OIDs as PostgreSQL resolved them, for PGlite's text serializers. */
  readonly parameterTypes: readonly number[]
  /** The statement's RowDescription (absent for statements that return no rows). */
  readonly rowDescription: BackendMessage | undefined
}

export interface PGlitePreparedStatements {
  /** Runs `text` with `parameters`, preparing it first if it is new. */
  query<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>>
}

export function pglitePreparedStatements(
  pglite: PGlite,
  limit = PGLITE_PREPARED_LIMIT,
): PGlitePreparedStatements {
  const prepared = new Map<string, PreparedStatement>()
  let counter = 0

  async function prepare(text: string): Promise<PreparedStatement> {
    const name = `syncline_${(counter += 1)}`
    // One trip: parse, describe and sync. On an error PostgreSQL skips to the sync, so the
    // session is ready again, and execProtocol throws it (nothing is cached).
    const { messages } = await pglite.execProtocol(
      Buffer.concat([
        protocol.serialize.parse({ name, text }),
        protocol.serialize.describe({ type: 'S', name }),
        protocol.serialize.sync(),
      ]),
      { syncToFs: false },
    )
    const statement: PreparedStatement = {
      name,
      parameterTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: messages.find((m) => m.name === 'rowDescription'),
    }
    prepared.set(text, statement)
    return statement
  }

  return {
    async query<R>(text: string, parameters: readonly unknown[]): Promise<Results<R>> {
      let statement = prepared.get(text)
      if (statement === undefined) {
        if (prepared.size >= limit) return pglite.query<R>(text, [...parameters])
        statement = await prepare(text)
      }
      const { parameterTypes, rowDescription } = statement
      const values = parameters.map((value, i) =>
        serializeParameter(pglite, value, parameterTypes[i]),
      )
      const { messages } = await pglite.execProtocol(
        Buffer.concat([
          protocol.serialize.bind({ statement: statement.name, values }),
          protocol.serialize.execute({}),
          protocol.serialize.sync(),
        ]),
      )
      // Execute sends no RowDescription for a described statement: the one from prepare stands in.
      const described = rowDescription === undefined ? messages : [rowDescription, ...messages]
      const [result] = parse.parseResults(described, pglite.parsers)
      return result as Results<R>
    },
  }
}

/**
 * As `PGlite.query` serializes a parameter: by the type PostgreSQL resolved for it. A type
 * without a serializer takes the value's text form (JSON for an object, where PGlite would send
 * `[object Object]`).
 */
function serializeParameter(
  pglite: PGlite,
  value: unknown,
  oid: number | undefined,
): string | null {
  if (value === null || value === undefined) return null
  const serializer = oid === undefined ? undefined : pglite.serializers[oid]
  if (serializer !== undefined) return serializer(value)
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString()
  }
  return JSON.stringify(value)
}
