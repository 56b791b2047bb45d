/** @module server/migrate-main — `syncline migrate`: applies pending migrations and exits. */
import type { MigrationReport } from '../store/store-contract.ts'
import { openStore } from './store-factory.ts'

export async function runMigrations(options: {
  databaseUrl?: string
  dataDir: string
  schema?: string
}): Promise<MigrationReport> {
  // The embedded folder's lock makes this fail at once, naming the hub, if one is running on it.
  const store = await openStore(options)
  try {
    return await store.migrate()
  } finally {
    await store.close()
  }
}
