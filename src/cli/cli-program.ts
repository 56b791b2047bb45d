/** @module cli/cli-program — the `syncline` command tree and how its failures become exit codes. */
import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json' with { type: 'json' }
import type { CliIo } from './cli-io.ts'
import { CliError, writeLine } from './cli-io.ts'
import { alertsCommand } from './commands/alerts-command.ts'
import { approvalsCommand } from './commands/approvals-command.ts'
import { breaksCommand } from './commands/breaks-command.ts'
import { dlqCommand } from './commands/dlq-command.ts'
import { migrateCommand } from './commands/migrate-command.ts'
import { replayCommand } from './commands/replay-command.ts'
import { runsCommand } from './commands/runs-command.ts'
import { startCommand } from './commands/start-command.ts'

export function buildCli(io: CliIo): Command {
  const program = new Command('syncline')
    .description('Open-source integration hub: keeps SaaS applications and ERPs consistent.')
    .version(packageJson.version)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
  for (const command of [
    startCommand(io),
    migrateCommand(io),
    runsCommand(io),
    dlqCommand(io),
    approvalsCommand(io),
    breaksCommand(io),
    alertsCommand(io),
    replayCommand(io),
  ]) {
    program.addCommand(command)
  }
  // Subcommands inherit the output settings and exit override from their parent only when
  // they are configured after being added, so apply them to the whole tree here.
  const configure = (command: Command): void => {
    command.exitOverride()
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    command.commands.forEach(configure)
  }
  configure(program)
  return program
}

/** Runs the CLI and returns the exit code; a long-running command (start) returns once started. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildCli(io).parseAsync([...argv])
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (error instanceof CliError) {
      writeLine(io.stderr, `syncline: ${error.message}`)
      return error.exitCode
    }
    // Not an error we anticipated: keep the stack, it is what a bug report needs.
    writeLine(
      io.stderr,
      `syncline: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    )
    return 1
  }
}
