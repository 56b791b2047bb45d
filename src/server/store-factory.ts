/** @module server/store-factory — the composition root's one place that picks a storage driver. */
import { createPostgresStore } from '../store-postgres/postgres-store.ts'
import type { Store } from '../store/store-contract.ts'
import { ConfigError } from './hub-config.ts'

export interface StoreChoice {
  /** PostgreSQL when set; otherwise the embedded store in `dataDir`. */
  databaseUrl?: string | undefined
  dataDir: string
  /** PostgreSQL schema (tests and alt-schema runs). */
  schema?: string | undefined
  poolSize?: number | undefined
  /** Prepare statements once per connection (default true). */
  preparedStatements?: boolean | undefined
}

export async function openStore(choice: StoreChoice): Promise<Store> {
  if (choice.databaseUrl !== undefined && choice.databaseUrl !== '') {
    return createPostgresStore({
      connectionString: choice.databaseUrl,
      ...(choice.schema === undefined ? {} : { schema: choice.schema }),
      ...(choice.poolSize === undefined ? {} : { poolSize: choice.poolSize }),
      ...(choice.preparedStatements === undefined
        ? {}
        : { preparedStatements: choice.preparedStatements }),
    })
  }
  // Loaded only when chosen: PGlite's WebAssembly takes about a second to import, which every
  // PostgreSQL-mode start (and restart after a crash) would otherwise pay for nothing.
  const { createEmbeddedStore } = await import('../store-embedded/embedded-store.ts')
  return createEmbeddedStore({ dataDir: choice.dataDir })
}

/**
 * Refuses a store that can lose acknowledged work, unless the operator said so explicitly:
 * an acknowledgement means committed, and without fsync/synchronous_commit it does not.
 */
export async function assertDurable(
  store: Store,
  allowUnsafe: boolean,
  warn: (line: string) => void,
): Promise<void> {
  const report = await store.durabilityCheck()
  for (const note of report.notes ?? []) warn(note)
  if (report.ok) return
  const problems = report.problems.map((p) => `  - ${p}`).join('\n')
  if (allowUnsafe) {
    warn(`durability is NOT guaranteed (--allow-unsafe-durability):\n${problems}`)
    return
  }
  throw new ConfigError(
    `the store is not durable, so an acknowledged event could be lost:\n${problems}\nFix the settings, or pass --allow-unsafe-durability to start anyway.`,
  )
}
