/** @module cli/commands/breaks-command — `syncline breaks list|assign|close`: reconciliation breaks. */
import { Command, Option } from 'commander'
import type { AgedBreak } from '../../reconciliation/break-operations.ts'
import { BREAK_STATES, type BreakState } from '../../store/store-contract.ts'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import { parseBreakState, parseLimit, parseRunId } from '../option-parsers.ts'
import { formatTable } from '../table-format.ts'
import type { Column } from '../table-format.ts'
import { parseRunIdArgument } from './dlq-command.ts'
import { hubOption } from './runs-command.ts'

interface BreakFlags {
  hub: string
  limit?: number
  before?: string
  run?: string
  state?: BreakState
  json?: boolean
  assignee?: string
  note?: string
}

/** `2h 05m`: an age an operator reads at a glance. */
function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  const days = Math.floor(minutes / 1_440)
  const hours = Math.floor((minutes % 1_440) / 60)
  const rest = String(minutes % 60).padStart(2, '0')
  return days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${rest}m` : `${minutes % 60}m`
}

const value = (v: unknown): string => (v === null || v === undefined ? '-' : JSON.stringify(v))

const breakColumns: Column<AgedBreak>[] = [
  { header: 'ID', value: (b) => b.id },
  { header: 'DOMAIN', value: (b) => b.domain },
  { header: 'TARGET', value: (b) => b.target },
  { header: 'KEY', value: (b) => b.entityKey, maxWidth: 40 },
  { header: 'CLASS', value: (b) => b.breakClass },
  { header: 'SOURCE', value: (b) => value(b.sourceValue), maxWidth: 30 },
  { header: 'TARGET VALUE', value: (b) => value(b.targetValue), maxWidth: 30 },
  { header: 'STATE', value: (b) => b.state },
  { header: 'ASSIGNEE', value: (b) => b.assignee ?? '-' },
  { header: 'AGE', value: (b) => formatAge(b.ageMs) },
]

export function breaksCommand(io: CliIo): Command {
  const breaks = new Command('breaks')
    .description('List, assign and close the reconciliation breaks of a running hub.')
    .addOption(hubOption(io))

  breaks
    .command('list')
    .description('List breaks (newest first) with their age.')
    .addOption(
      new Option('--state <state>', `one of ${BREAK_STATES.join(', ')}`).argParser(parseBreakState),
    )
    .addOption(
      new Option('--run <id>', 'only the breaks one reconciliation run found').argParser(
        parseRunId,
      ),
    )
    .addOption(
      new Option('--limit <n>', 'at most this many (1-500, default 50)').argParser(parseLimit),
    )
    .addOption(
      new Option('--before <id>', 'only breaks older than this id (paging)').argParser(parseRunId),
    )
    .option('--json', 'print the API response as JSON')
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<BreakFlags>()
      const { breaks: found } = await createHubClient(flags.hub).get<{ breaks: AgedBreak[] }>(
        '/api/v1/reconciliation/breaks',
        { state: flags.state, runId: flags.run, limit: flags.limit, before: flags.before },
      )
      if (flags.json === true) writeLine(io.stdout, JSON.stringify(found, null, 2))
      else if (found.length === 0) writeLine(io.stdout, 'no reconciliation breaks')
      else writeLine(io.stdout, formatTable(breakColumns, found))
    })

  breaks
    .command('assign')
    .description('Give an open or healing break to a person or team (audited).')
    .argument('<id>', 'the break id')
    .option('--assignee <who>', 'who owns it from now (required)')
    .option('--note <text>', 'why it needs a person')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<BreakFlags>()
      const breakId = parseRunIdArgument(id)
      if (flags.assignee === undefined || flags.assignee.trim() === '') {
        throw new CliError('say who owns the break: --assignee "inventory-controller"')
      }
      const { break: moved } = await createHubClient(flags.hub).post<{ break: AgedBreak }>(
        `/api/v1/reconciliation/breaks/${breakId}/assign`,
        { assignee: flags.assignee, ...(flags.note === undefined ? {} : { note: flags.note }) },
      )
      writeLine(
        io.stdout,
        `break ${moved.id} (${moved.entityKey}) assigned to ${moved.assignee ?? '-'}`,
      )
    })

  breaks
    .command('close')
    .description('Close an assigned break with a note of what was done (audited).')
    .argument('<id>', 'the break id')
    .option('--note <text>', 'what was done to the systems (required)')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<BreakFlags>()
      const breakId = parseRunIdArgument(id)
      if (flags.note === undefined || flags.note.trim() === '') {
        throw new CliError('say what was done: --note "ERP adjusted by hand after a cycle count"')
      }
      const { break: moved } = await createHubClient(flags.hub).post<{ break: AgedBreak }>(
        `/api/v1/reconciliation/breaks/${breakId}/close`,
        { note: flags.note },
      )
      writeLine(io.stdout, `break ${moved.id} (${moved.entityKey}) closed`)
    })

  return breaks
}
