/** @module cli/commands/runs-command — `syncline runs` and `syncline runs show <id>`. */
import { Command, Option } from 'commander'
import type { ErrorRecord } from '../../errors/hub-error.ts'
import type { RunRecord, RunState, StepRecord } from '../../store/store-contract.ts'
import type { CliIo } from '../cli-io.ts'
import { writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import { parseHubUrl, parseLimit, parseRunId, parseRunState } from '../option-parsers.ts'
import { formatTable, formatTime } from '../table-format.ts'
import type { Column } from '../table-format.ts'

export const DEFAULT_HUB_URL = 'http://127.0.0.1:8080'

interface RunsFlags {
  hub: string
  businessKey?: string
  state?: RunState
  flow?: string
  limit?: number
  before?: string
  json?: boolean
}

type RunWithSteps = RunRecord & { steps: StepRecord[] }

/** `validation INVALID_VALUE: item 42 does not exist` — type first, the part an operator triages by. */
export function describeError(error: ErrorRecord | null | undefined): string {
  if (error === null || error === undefined) return '-'
  const code = error.code === undefined ? '' : ` ${error.code}`
  return `${error.type}${code}: ${error.message}`
}

/** The `--hub` option, shared by `runs` and `dlq`: env SYNCLINE_HUB_URL, else the local default. */
export function hubOption(io: CliIo): Option {
  return (
    new Option('--hub <url>', 'base URL of the running hub (or env SYNCLINE_HUB_URL)')
      .argParser(parseHubUrl)
      // Unparsed: commander does not run argParser on defaults; createHubClient checks it.
      .default(io.env.SYNCLINE_HUB_URL || DEFAULT_HUB_URL)
  )
}

const runColumns: Column<RunRecord>[] = [
  { header: 'RUN', value: (r) => r.id },
  { header: 'FLOW', value: (r) => r.flowName },
  { header: 'BUSINESS KEY', value: (r) => r.businessKey, maxWidth: 48 },
  { header: 'STATE', value: (r) => r.state },
  { header: 'ATTEMPTS', value: (r) => r.attempt },
  { header: 'UPDATED', value: (r) => formatTime(r.updatedAt) },
  {
    header: 'LAST ERROR',
    value: (r) => (r.lastError === null ? '-' : describeError(r.lastError)),
    maxWidth: 60,
  },
]

const stepColumns: Column<StepRecord>[] = [
  { header: 'STEP', value: (s) => s.name },
  { header: 'KIND', value: (s) => s.kind },
  { header: 'STATE', value: (s) => s.state },
  { header: 'ATTEMPTS', value: (s) => s.attempts },
  {
    header: 'TARGET',
    value: (s) =>
      s.target === null ? '-' : `${s.target}${s.operation === null ? '' : ` ${s.operation}`}`,
  },
  { header: 'ERROR', value: (s) => describeError(s.lastError), maxWidth: 70 },
]

export function formatRunDetail(run: RunWithSteps): string {
  const lines = [
    `run ${run.id} · ${run.flowName} · ${run.businessKey}`,
    `state ${run.state} · attempts ${run.attempt} · created ${formatTime(run.createdAt)} · ` +
      `updated ${formatTime(run.updatedAt)} · completed ${formatTime(run.completedAt)}`,
  ]
  if (run.state === 'retrying' || run.state === 'pending') {
    lines.push(`next attempt ${formatTime(run.nextRunAt)}`)
  }
  if (run.state === 'waiting') lines.push(`waiting until ${formatTime(run.nextRunAt)}`)
  if (run.lastError !== null) lines.push(`last error: ${describeError(run.lastError)}`)
  lines.push('')
  lines.push(run.steps.length === 0 ? 'no steps recorded yet' : formatTable(stepColumns, run.steps))
  return lines.join('\n')
}

export function runsCommand(io: CliIo): Command {
  const runs = new Command('runs')
    .description('List flow runs from a running hub (newest first).')
    .addOption(hubOption(io))
    .option(
      '--business-key <k>',
      'only runs for this business key, e.g. shopify:order:820982911946154508',
    )
    .addOption(new Option('--state <s>', 'only runs in this state').argParser(parseRunState))
    .option('--flow <f>', 'only runs of this flow')
    .addOption(
      new Option('--limit <n>', 'at most this many runs (1-500, default 50)').argParser(parseLimit),
    )
    .addOption(
      new Option('--before <id>', 'only runs older than this run id (paging)').argParser(
        parseRunId,
      ),
    )
    .option('--json', 'print the API response as JSON')
    .action(async (flags: RunsFlags) => {
      const client = createHubClient(flags.hub)
      const { runs: list } = await client.get<{ runs: RunRecord[] }>('/api/v1/runs', {
        businessKey: flags.businessKey,
        state: flags.state,
        flow: flags.flow,
        limit: flags.limit,
        before: flags.before,
      })
      if (flags.json === true) {
        writeLine(io.stdout, JSON.stringify(list, null, 2))
      } else if (list.length === 0) {
        writeLine(io.stdout, 'no runs match')
      } else {
        writeLine(io.stdout, formatTable(runColumns, list))
      }
    })

  runs
    .command('show')
    .description('Show one run and its steps.')
    .argument('<id>', 'run id', parseRunId)
    .action(async (id: string, _flags: unknown, command: Command) => {
      // --hub and --json belong to `runs`; they may be written before or after `show <id>`.
      const flags = command.optsWithGlobals<RunsFlags>()
      const run = await createHubClient(flags.hub).get<RunWithSteps>(`/api/v1/runs/${id}`)
      writeLine(
        io.stdout,
        flags.json === true ? JSON.stringify(run, null, 2) : formatRunDetail(run),
      )
    })

  return runs
}
