/** @module cli/server-modules — the composition root's entry points, loaded only when needed.
 *
 * Imported dynamically so `syncline runs` or `syncline dlq` never load a database driver, and so
 * a broken store setup cannot stop the read-only commands from talking to a running hub. The
 * type-only imports are erased at run time; they keep these calls checked against the real
 * signatures.
 */
import type { HubStartOptions } from '../server/hub-main.ts'
import type { runMigrations } from '../server/migrate-main.ts'

export type { HubStartOptions }

/** What `start` needs from a started hub; the real one carries more (engine, store, sandbox). */
export interface StartedHub {
  url: string
  stop(): Promise<void>
}

export type StartHub = (options: HubStartOptions) => Promise<StartedHub>
export type RunMigrations = typeof runMigrations

export async function loadStartHub(): Promise<StartHub> {
  const { startHub } = await import('../server/hub-main.ts')
  return startHub
}

export async function loadRunMigrations(): Promise<RunMigrations> {
  const { runMigrations: run } = await import('../server/migrate-main.ts')
  return run
}
