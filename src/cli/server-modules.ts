/** @module cli/server-modules — the composition root's entry points, loaded only when needed.
 *
 * Imported dynamically so `syncline runs` or `syncline dlq` never load a database driver, and so
 * a broken store setup cannot stop the read-only commands from talking to a running hub.
 *
 * The signatures below mirror `src/server/hub-main.ts` and `src/server/migrate-main.ts`. They are
 * declared here and the modules are imported through a computed specifier because those files
 * are written separately and may not exist yet; a literal `import('../server/hub-main.ts')` would
 * fail the type check until they do.
 */
import type { LogLevelName } from './option-parsers.ts'

export interface HubStartOptions {
  port: number
  host: string
  demo: boolean
  sandbox: boolean
  databaseUrl?: string
  dataDir: string
  configPath?: string
  logLevel: LogLevelName
  allowUnsafeDurability: boolean
}

export interface RunningHub {
  url: string
  stop(): Promise<void>
}

export interface MigrateOptions {
  databaseUrl?: string
  dataDir: string
}

export interface MigrationResult {
  applied: string[]
  alreadyApplied: string[]
}

interface HubMainModule {
  startHub(options: HubStartOptions): Promise<RunningHub>
}

interface MigrateMainModule {
  runMigrations(options: MigrateOptions): Promise<MigrationResult>
}

async function loadServerModule(file: string): Promise<Record<string, unknown>> {
  const specifier = new URL(`../server/${file}`, import.meta.url).href
  return (await import(specifier)) as Record<string, unknown>
}

export async function loadStartHub(): Promise<HubMainModule['startHub']> {
  const module = await loadServerModule('hub-main.ts')
  if (typeof module.startHub !== 'function') {
    throw new Error('src/server/hub-main.ts does not export startHub(options)')
  }
  return module.startHub as HubMainModule['startHub']
}

export async function loadRunMigrations(): Promise<MigrateMainModule['runMigrations']> {
  const module = await loadServerModule('migrate-main.ts')
  if (typeof module.runMigrations !== 'function') {
    throw new Error('src/server/migrate-main.ts does not export runMigrations(options)')
  }
  return module.runMigrations as MigrateMainModule['runMigrations']
}
