/** @module cli/commands/dlq-command — `syncline dlq list` and `syncline dlq replay`. */
import { Command, Option } from 'commander'
import type { DeadLetterRecord } from '../../store/store-contract.ts'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import type { HubClient } from '../hub-client.ts'
import { parseLimit, parseRunId } from '../option-parsers.ts'
import { createProgressReporter } from '../progress-reporter.ts'
import { formatCount, formatTable, formatTime } from '../table-format.ts'
import type { Column } from '../table-format.ts'
import { hubOption } from './runs-command.ts'

/** Ids per replay request: small enough to show progress, large enough to finish quickly. */
export const REPLAY_CHUNK = 100
/** Page size when listing every dead letter for `replay --all` (the API's maximum). */
const LIST_PAGE = 500

interface DlqFlags {
  hub: string
  limit?: number
  before?: string
  includeReplayed?: boolean
  json?: boolean
  all?: boolean
}

const deadLetterColumns: Column<DeadLetterRecord>[] = [
  { header: 'RUN', value: (d) => d.runId },
  { header: 'FLOW', value: (d) => d.flowName },
  { header: 'BUSINESS KEY', value: (d) => d.businessKey, maxWidth: 48 },
  { header: 'REASON', value: (d) => d.reason, maxWidth: 60 },
  { header: 'ATTEMPTS', value: (d) => d.attempts },
  { header: 'DEAD AT', value: (d) => formatTime(d.deadAt) },
  { header: 'REPLAYED', value: (d) => formatTime(d.replayedAt) },
]

/** Every run id waiting in the queue now, paging by dead-letter id. */
async function listAllDeadRunIds(client: HubClient): Promise<string[]> {
  const runIds = new Set<string>()
  let before: string | undefined
  for (;;) {
    const { deadLetters } = await client.get<{ deadLetters: DeadLetterRecord[] }>('/api/v1/dlq', {
      limit: LIST_PAGE,
      before,
    })
    for (const letter of deadLetters) runIds.add(letter.runId)
    const last = deadLetters.at(-1)
    if (deadLetters.length < LIST_PAGE || last === undefined) return [...runIds]
    before = last.id
  }
}

async function replay(client: HubClient, runIds: string[], io: CliIo): Promise<void> {
  if (runIds.length === 0) {
    writeLine(io.stdout, 'nothing to replay: the dead-letter queue is empty')
    return
  }
  const progress = createProgressReporter(io.stdout, 'replayed', runIds.length)
  const replayed: string[] = []
  try {
    for (let start = 0; start < runIds.length; start += REPLAY_CHUNK) {
      const chunk = runIds.slice(start, start + REPLAY_CHUNK)
      const result = await client.post<{ replayed: string[] }>('/api/v1/dlq/replay', {
        runIds: chunk,
      })
      replayed.push(...result.replayed)
      progress.update(Math.min(start + chunk.length, runIds.length))
    }
  } catch (error) {
    // Chunks already sent stay replayed: say how far it got, so a rerun is not a surprise.
    const reason = error instanceof Error ? error.message : String(error)
    throw new CliError(
      `stopped after replaying ${formatCount(replayed.length)} of ${formatCount(runIds.length)} run(s): ${reason}`,
    )
  } finally {
    progress.finish()
  }
  const done = new Set(replayed)
  const skipped = runIds.filter((id) => !done.has(id))
  writeLine(
    io.stdout,
    `replayed ${formatCount(replayed.length)} of ${formatCount(runIds.length)} run(s)`,
  )
  if (skipped.length > 0) {
    writeLine(
      io.stdout,
      `not dead-lettered (unknown or already replayed): ${skipped.slice(0, 20).join(', ')}` +
        (skipped.length > 20 ? ` and ${formatCount(skipped.length - 20)} more` : ''),
    )
  }
}

export function dlqCommand(io: CliIo): Command {
  const dlq = new Command('dlq')
    .description('Inspect and replay the dead-letter queue of a running hub.')
    .addOption(hubOption(io))

  dlq
    .command('list')
    .description('List dead-lettered runs (newest first).')
    .addOption(
      new Option('--limit <n>', 'at most this many (1-500, default 50)').argParser(parseLimit),
    )
    .addOption(
      new Option('--before <id>', 'only dead letters older than this id (paging)').argParser(
        parseRunId,
      ),
    )
    .option('--include-replayed', 'include dead letters that were already replayed')
    .option('--json', 'print the API response as JSON')
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<DlqFlags>()
      const { deadLetters } = await createHubClient(flags.hub).get<{
        deadLetters: DeadLetterRecord[]
      }>('/api/v1/dlq', {
        limit: flags.limit,
        before: flags.before,
        includeReplayed: flags.includeReplayed,
      })
      if (flags.json === true) {
        writeLine(io.stdout, JSON.stringify(deadLetters, null, 2))
      } else if (deadLetters.length === 0) {
        writeLine(io.stdout, 'the dead-letter queue is empty')
      } else {
        writeLine(io.stdout, formatTable(deadLetterColumns, deadLetters))
      }
    })

  dlq
    .command('replay')
    .description('Replay dead runs by id, or every run in the queue with --all.')
    .argument('[ids...]', 'run ids to replay')
    .option('--all', 'replay every run in the dead-letter queue when the command starts')
    .action(async (ids: string[], _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<DlqFlags>()
      const byIds = ids.length > 0
      if (byIds === (flags.all === true)) {
        throw new CliError('name the run ids to replay, or pass --all (not both)')
      }
      const runIds = [...new Set(ids.map((id) => parseRunIdArgument(id)))]
      const client = createHubClient(flags.hub)
      await replay(client, flags.all === true ? await listAllDeadRunIds(client) : runIds, io)
    })

  return dlq
}

/** A positional run id, checked like `--before`; a bad one is a usage error (exit 1, one line). */
export function parseRunIdArgument(id: string): string {
  try {
    return parseRunId(id)
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error))
  }
}
