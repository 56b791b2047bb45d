/** @module cli/commands/alerts-command — `syncline alerts`: the consistency policies' alerts of a running hub. */
import { Command, Option } from 'commander'
import type { AlertStatus } from '../../policies/alert-evaluator.ts'
import { POLICY_DOMAINS, type PolicyDomain } from '../../policies/consistency-policy-schema.ts'
import type { CliIo } from '../cli-io.ts'
import { writeLine } from '../cli-io.ts'
import { createHubClient } from '../hub-client.ts'
import { formatTable, formatTime } from '../table-format.ts'
import type { Column } from '../table-format.ts'
import { hubOption } from './runs-command.ts'

interface AlertFlags {
  hub: string
  domain?: PolicyDomain
  firing?: boolean
  json?: boolean
}

/** In the rule's own unit, so the value reads against the policy's threshold. */
function formatMeasure(rule: AlertStatus['rule'], value: number): string {
  switch (rule) {
    case 'dead_letters':
      return `${value} dead`
    case 'max_lag':
      return `${(value / 1000).toFixed(1)} s`
    case 'failure_percent':
      return `${value}%`
  }
}

const alertColumns: Column<AlertStatus>[] = [
  { header: 'DOMAIN', value: (a) => a.domain },
  { header: 'RULE', value: (a) => a.rule },
  { header: 'STATE', value: (a) => (a.firing ? 'FIRING' : 'ok') },
  { header: 'VALUE', value: (a) => formatMeasure(a.rule, a.value) },
  { header: 'THRESHOLD', value: (a) => formatMeasure(a.rule, a.threshold) },
  { header: 'SINCE', value: (a) => formatTime(a.since) },
]

export function alertsCommand(io: CliIo): Command {
  return new Command('alerts')
    .description(
      "Show the consistency policies' alerts (dead letters, lag, failure share per domain) of a running hub.",
    )
    .addOption(hubOption(io))
    .addOption(new Option('--domain <domain>', 'only this policy domain').choices(POLICY_DOMAINS))
    .option('--firing', 'only the alerts that are firing')
    .option('--json', 'print the API response as JSON')
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<AlertFlags>()
      const { alerts } = await createHubClient(flags.hub).get<{ alerts: AlertStatus[] }>(
        '/api/v1/alerts',
        { domain: flags.domain, firing: flags.firing === true ? 'true' : undefined },
      )
      if (flags.json === true) writeLine(io.stdout, JSON.stringify(alerts, null, 2))
      else if (alerts.length === 0) {
        writeLine(
          io.stdout,
          flags.firing === true ? 'no alert is firing' : 'no alerts evaluated yet',
        )
      } else writeLine(io.stdout, formatTable(alertColumns, alerts))
    })
}
