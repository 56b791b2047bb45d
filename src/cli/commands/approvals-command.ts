/** @module cli/commands/approvals-command — `syncline approvals list|approve|reject`. */
import { Command, Option } from 'commander'
import {
  APPROVAL_STATES,
  type ApprovalState,
  type ApprovalTask,
} from '../../store/store-contract.ts'
import type { CliIo } from '../cli-io.ts'
import { CliError, writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import { parseApprovalState, parseLimit, parseRunId } from '../option-parsers.ts'
import { formatTable, formatTime } from '../table-format.ts'
import type { Column } from '../table-format.ts'
import { parseRunIdArgument } from './dlq-command.ts'
import { hubOption } from './runs-command.ts'

interface ApprovalFlags {
  hub: string
  limit?: number
  before?: string
  state?: ApprovalState
  assignee?: string
  json?: boolean
  reason?: string
  by?: string
}

const approvalColumns: Column<ApprovalTask>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'RUN', value: (a) => a.runId },
  { header: 'TITLE', value: (a) => a.title, maxWidth: 60 },
  { header: 'ASSIGNEE', value: (a) => a.assignee },
  { header: 'STATE', value: (a) => (a.escalations > 0 ? `${a.state} (escalated)` : a.state) },
  { header: 'DUE', value: (a) => formatTime(a.dueAt) },
  { header: 'DECIDED BY', value: (a) => a.decidedBy ?? '-' },
  { header: 'REASON', value: (a) => a.reason ?? '-', maxWidth: 50 },
]

export function approvalsCommand(io: CliIo): Command {
  const approvals = new Command('approvals')
    .description('List and decide the human approval tasks of a running hub.')
    .addOption(hubOption(io))

  approvals
    .command('list')
    .description('List approval tasks (newest first).')
    .addOption(
      new Option('--state <state>', `one of ${APPROVAL_STATES.join(', ')}`).argParser(
        parseApprovalState,
      ),
    )
    .option('--assignee <who>', 'only tasks assigned to this person or team')
    .addOption(
      new Option('--limit <n>', 'at most this many (1-500, default 50)').argParser(parseLimit),
    )
    .addOption(
      new Option('--before <id>', 'only tasks older than this id (paging)').argParser(parseRunId),
    )
    .option('--json', 'print the API response as JSON')
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<ApprovalFlags>()
      const { approvals: tasks } = await createHubClient(flags.hub).get<{
        approvals: ApprovalTask[]
      }>('/api/v1/approvals', {
        state: flags.state,
        assignee: flags.assignee,
        limit: flags.limit,
        before: flags.before,
      })
      if (flags.json === true) writeLine(io.stdout, JSON.stringify(tasks, null, 2))
      else if (tasks.length === 0) writeLine(io.stdout, 'no approval tasks')
      else writeLine(io.stdout, formatTable(approvalColumns, tasks))
    })

  for (const verb of ['approve', 'reject'] as const) {
    approvals
      .command(verb)
      .description(
        verb === 'approve'
          ? 'Approve an open task; its run goes on.'
          : 'Reject an open task with a reason; its run goes on with the rejection.',
      )
      .argument('<id>', 'the approval task id')
      .option(
        '--reason <text>',
        verb === 'approve' ? 'why (recorded and audited)' : 'why (required; recorded and audited)',
      )
      .option('--by <who>', 'who decides (default: the hub records the caller)')
      .action(async (id: string, _flags: unknown, command: Command) => {
        const flags = command.optsWithGlobals<ApprovalFlags>()
        const taskId = parseRunIdArgument(id)
        if (verb === 'reject' && (flags.reason === undefined || flags.reason.trim() === '')) {
          throw new CliError('a rejection needs a reason: --reason "why it is rejected"')
        }
        const { approval } = await createHubClient(flags.hub).post<{ approval: ApprovalTask }>(
          `/api/v1/approvals/${taskId}/${verb}`,
          {
            ...(flags.reason === undefined ? {} : { reason: flags.reason }),
            ...(flags.by === undefined ? {} : { by: flags.by }),
          },
        )
        writeLine(
          io.stdout,
          `approval ${approval.id} ${approval.state} by ${approval.decidedBy ?? '-'}; run ${approval.runId} goes on`,
        )
      })
  }

  return approvals
}
