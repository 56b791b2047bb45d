/** @module cli/commands/replay-command — `syncline replay`: re-run completed runs, by window or ids. */
import { Command, InvalidArgumentError, Option } from 'commander'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import { formatCount } from '../table-format.ts'
import { parseRunIdArgument } from './dlq-command.ts'
import { hubOption } from './runs-command.ts'

interface ReplayFlags {
  hub: string
  from?: number
  to?: number
  flow?: string
  force?: 'new-scope'
  json?: boolean
}

export interface ReplayAnswer {
  scope: string | null
  matched: number
  replayed: number
  alreadyApplied: number
  notCompleted: number
  replays: { runId: string; replayRunId: string }[]
  auditId: string
}

/**
 * ISO 8601 with an offset, or epoch milliseconds. A time without an offset is refused here as the
 * hub refuses it: the operator's zone and the hub's may differ, and a window off by hours is silent.
 */
export function parseInstant(value: string): number {
  if (/^[0-9]{1,16}$/.test(value)) return Number(value)
  const offset = /(Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(value)
  const ms = Date.parse(value)
  if (!offset || Number.isNaN(ms) || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(value)) {
    throw new InvalidArgumentError(
      `'${value}' is not a time; use ISO 8601 with an offset (e.g. 2026-03-01T12:00:00Z) or epoch milliseconds.`,
    )
  }
  return ms
}

function summary(answer: ReplayAnswer): string[] {
  const lines =
    answer.scope === null
      ? [
          `0 new effects: ${formatCount(answer.alreadyApplied)} completed run(s) of ` +
            `${formatCount(answer.matched)} selected are already applied`,
        ]
      : [
          `replayed ${formatCount(answer.replayed)} completed run(s) of ${formatCount(answer.matched)} ` +
            `selected as new runs in scope ${answer.scope}: each delivers once more`,
        ]
  if (answer.notCompleted > 0) {
    lines.push(
      `${formatCount(answer.notCompleted)} selected run(s) are not completed and were left alone ` +
        '(dead ones: `syncline dlq replay`)',
    )
  }
  lines.push(`audit record ${answer.auditId}`)
  return lines
}

export function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description(
      'Replay completed runs created in [--from, --to), or the given run ids. Without --force ' +
        'nothing is sent again (their effects stand); with --force new-scope each run delivers ' +
        'once more under new idempotency keys. Dead runs: `syncline dlq replay`.',
    )
    .addOption(hubOption(io))
    .argument('[ids...]', 'run ids to replay (instead of a window)')
    .addOption(
      new Option(
        '--from <time>',
        'window start, inclusive (ISO 8601 with offset, or epoch ms)',
      ).argParser(parseInstant),
    )
    .addOption(
      new Option(
        '--to <time>',
        'window end, exclusive (ISO 8601 with offset, or epoch ms)',
      ).argParser(parseInstant),
    )
    .option('--flow <name>', 'only runs of this flow')
    .addOption(
      new Option('--force <mode>', 'deliver again under a new idempotency scope').choices([
        'new-scope',
      ]),
    )
    .option('--json', 'print the API response as JSON')
    .action(async (ids: string[], _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ReplayFlags>()
      const byWindow = flags.from !== undefined || flags.to !== undefined
      if (byWindow === ids.length > 0) {
        throw new CliError('give --from and --to, or run ids (not both)')
      }
      if (byWindow && (flags.from === undefined || flags.to === undefined)) {
        throw new CliError('a window needs both --from and --to')
      }
      const runIds = [...new Set(ids.map(parseRunIdArgument))]
      const answer = await createHubClient(flags.hub).post<ReplayAnswer>('/api/v1/replays', {
        ...(byWindow ? { from: flags.from, to: flags.to } : { runIds }),
        ...(flags.flow === undefined ? {} : { flow: flags.flow }),
        ...(flags.force === undefined ? {} : { force: flags.force }),
      })
      if (flags.json === true) writeLine(io.stdout, JSON.stringify(answer, null, 2))
      else for (const line of summary(answer)) writeLine(io.stdout, line)
    })
}
