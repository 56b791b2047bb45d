/** @module cli/commands/migrate-command — `syncline migrate`: apply pending schema migrations. */
import { Command } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { loadRunMigrations } from '../server-modules.ts'
import type { RunMigrations } from '../server-modules.ts'
import { DEFAULT_DATA_DIR, operationalFailure } from './start-command.ts'

interface MigrateFlags {
  databaseUrl?: string
  dataDir: string
}

export function migrateCommand(io: CliIo): Command {
  const command = new Command('migrate')
    .description('Apply pending migrations to PostgreSQL or the embedded store, then exit.')
    .option('--database-url <url>', 'PostgreSQL connection string (or env DATABASE_URL)')
    .option('--data-dir <dir>', 'folder of the embedded store', DEFAULT_DATA_DIR)
  return command.action(async (flags: MigrateFlags) => {
    const dataDirGiven = command.getOptionValueSource('dataDir') === 'cli'
    if (flags.databaseUrl !== undefined && dataDirGiven) {
      throw new CliError('pass either --database-url or --data-dir, not both')
    }
    // An explicit --data-dir wins over a DATABASE_URL left in the environment.
    const databaseUrl =
      flags.databaseUrl ?? (dataDirGiven ? undefined : io.env.DATABASE_URL || undefined)
    let result: Awaited<ReturnType<RunMigrations>>
    try {
      const runMigrations = await loadRunMigrations()
      result = await runMigrations({
        ...(databaseUrl === undefined ? {} : { databaseUrl }),
        dataDir: flags.dataDir,
      })
    } catch (error) {
      throw operationalFailure(error, 'migration failed')
    }
    const where = databaseUrl === undefined ? `embedded store in ${flags.dataDir}` : 'PostgreSQL'
    if (result.applied.length === 0) {
      writeLine(
        io.stdout,
        `${where}: up to date (${result.alreadyApplied.length} migrations already applied)`,
      )
      return
    }
    writeLine(io.stdout, `${where}: applied ${result.applied.length} migration(s):`)
    for (const name of result.applied) writeLine(io.stdout, `  ${name}`)
    if (result.alreadyApplied.length > 0) {
      writeLine(io.stdout, `(${result.alreadyApplied.length} already applied before)`)
    }
  })
}
