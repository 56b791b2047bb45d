/** @module test/connectors/credentials-child — a second hub process for the cross-process credential tests.
 *
 * Run as `node --import tsx credentials-child.ts '<json>'`. Speaks one JSON line at a time on
 * stdout; reads `go` on stdin.
 *   tokens:    opens its own PostgreSQL store, prints {ready}, waits for `go`, makes `count`
 *              concurrent get() calls and prints {tokens, stats}.
 *   hold-lock: takes the credential's refresh lock, prints {locked} and hangs until killed.
 */
import { createInterface } from 'node:readline'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import { offsetClock, sharedTokenStoreOf, tokensFor } from './credentials-test-kit.ts'

interface ChildArgs {
  mode: 'tokens' | 'hold-lock'
  databaseUrl: string
  schema: string
  tenantId: string
  credentialKey: string
  tokenUrl: string
  clockOffsetMs: number
  count: number
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs
const say = (message: unknown): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`)
}
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()

const store = createPostgresStore({ connectionString: args.databaseUrl, schema: args.schema })
await store.ping()

if (args.mode === 'hold-lock') {
  // Keeps the process (and with it the lock's session) alive until the parent kills it.
  setInterval(() => undefined, 60_000)
  await store.credentialTokenLock(
    { tenantId: args.tenantId, credentialKey: args.credentialKey, waitMs: 10_000, holdMs: 600_000 },
    async () => {
      say({ locked: true })
      await new Promise(() => undefined)
    },
  )
} else {
  const tokens = tokensFor({
    url: args.tokenUrl,
    clock: offsetClock(args.clockOffsetMs),
    shared: sharedTokenStoreOf(store, args.tenantId),
    credentialKey: args.credentialKey,
  })
  say({ ready: true })
  await lines.next()
  const results = await Promise.allSettled(Array.from({ length: args.count }, () => tokens.get()))
  say({
    tokens: results.map((result) =>
      result.status === 'fulfilled'
        ? result.value.value.reveal()
        : `error: ${String(result.reason)}`,
    ),
    stats: tokens.stats,
  })
  await store.close()
  process.exit(0)
}
