/** @module connectors/connector-docs — renders a connector's docs page from its spec, and nothing else. */
import type { ConnectorSpec } from './connector-contract.ts'

const GENERATED_NOTE =
  '<!-- Generated from the connector spec by `npm run docs:connectors`; edit the spec, not this page. -->'

/** Escapes a table cell: pipes and newlines would break the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function code(text: string): string {
  return text === '' ? '' : `\`${text.replace(/`/g, "'")}\``
}

/** The Markdown page for `docs/connectors/<name>.md`. Deterministic: the conformance suite compares it byte for byte. */
export function renderConnectorDoc(spec: ConnectorSpec): string {
  const lines: string[] = [GENERATED_NOTE, '', `# ${spec.title} connector (\`${spec.name}\`)`, '']
  lines.push(spec.summary, '')
  if (spec.vendorDocs.length > 0) {
    lines.push('Vendor reference: ' + spec.vendorDocs.map((url) => `<${url}>`).join(', '), '')
  }

  lines.push('## Configuration', '')
  lines.push('| Field | Required | Description | Default | Example |', '|---|---|---|---|---|')
  for (const field of spec.configFields()) {
    const example = field.secret === true ? '(secret)' : code(field.example ?? '')
    const name = field.secret === true ? `${code(field.name)} 🔒` : code(field.name)
    lines.push(
      `| ${name} | ${field.required ? 'yes' : 'no'} | ${cell(field.description)} | ${cell(field.default ?? '')} | ${cell(example)} |`,
    )
  }
  lines.push('', '🔒 a secret: accepted as a string or a `Secret`, never logged or shown.', '')
  lines.push('Example:', '', '```json', JSON.stringify(spec.exampleConfig, null, 2), '```', '')

  lines.push('## Operations', '')
  lines.push(
    '| Operation | Direction | What it does | Endpoint | Why a repeat is harmless | In-doubt read |',
    '|---|---|---|---|---|---|',
  )
  for (const op of spec.operations) {
    lines.push(
      `| ${code(op.name)} | ${op.direction} | ${cell(op.description)} | ${cell(code(op.endpoint))} | ${cell(op.idempotency)} | ${cell(op.inDoubtRead ?? '—')} |`,
    )
  }
  lines.push('')

  lines.push('## Limits and governors', '')
  lines.push('| Limit | The target allows | Governed by |', '|---|---|---|')
  for (const limit of spec.limits) {
    lines.push(`| ${cell(limit.name)} | ${cell(limit.limit)} | ${cell(limit.governedBy)} |`)
  }
  lines.push('')

  lines.push('## Error mapping', '')
  lines.push(
    'First matching row wins. Types are the engine’s taxonomy (see `docs/glossary.md`): `retryable` backs off and retries, `throttled` waits the target’s Retry-After, `auth` refreshes once then backs off, `validation` dead-letters at once, `conflict` reads the target then retries, `unknown_outcome` reads before anything is sent again.',
    '',
  )
  lines.push('| Row | When | Type |', '|---|---|---|')
  for (const row of spec.errors) {
    lines.push(`| ${code(row.id)} | ${cell(row.when)} | ${code(row.type)} |`)
  }
  lines.push('')

  lines.push('## Fault checklist rows that apply', '')
  lines.push(
    'Rows of the simulator fault checklist (`docs/connectors/README.md`); each is exercised by the connector conformance suite against the simulator.',
    '',
  )
  lines.push('| Row | The fault, as this target produces it | Handling |', '|---|---|---|')
  for (const row of spec.faultRows) {
    lines.push(`| ${row.row} | ${cell(row.fault)} | ${cell(row.handling)} |`)
  }
  lines.push('')
  return lines.join('\n')
}

/** The simulator fault checklist's rows (external-apis §5), by number. */
export const FAULT_CHECKLIST: Readonly<Record<number, string>> = {
  1: 'Duplicate delivery of the same event',
  2: 'Same event id under two webhook ids (two subscriptions)',
  3: 'Out-of-order events; retries carrying stale payloads',
  4: 'No-op update events',
  5: 'Bad signature; secret rotation window',
  6: 'Throttling: 429 + Retry-After, bucket headers, query cost',
  7: 'Concurrency cap',
  8: 'Auth expiry (token, session, CSRF)',
  9: 'Create response quirks (204 + Location, 300 multiple matches, 201 + ETag)',
  10: 'Idempotent writes and replays',
  11: 'Non-idempotent operations',
  12: 'Optimistic concurrency (412 / 428)',
  13: 'Partial success inside a batch',
  14: 'Business validation errors (non-retryable)',
  15: 'Event-retention gaps',
  16: 'Slow responses; timeouts after commit',
  17: 'Schema drift',
  18: 'Maintenance / outage',
}

/** `docs/connectors/README.md`: the connectors, and which checklist rows each handles. */
export function renderConnectorIndex(specs: readonly ConnectorSpec[]): string {
  const lines: string[] = [GENERATED_NOTE, '', '# Connectors', '']
  lines.push(
    'Every connector implements one contract (`src/connectors/connector-contract.ts`): a spec as data that validates its config and renders its page, outbound writes made safe to repeat with the target’s own mechanism, a read by business key for in-doubt outcomes, an error table into the engine’s taxonomy, and a governor modelling the target’s real limit. Each passes the same conformance suite (`test/connectors/conformance/`) against its simulator over HTTP.',
    '',
    '| Connector | Operations | Error rows |',
    '|---|---|---|',
  )
  for (const spec of specs) {
    lines.push(
      `| [${spec.title}](${spec.name}.md) | ${spec.operations.length} | ${spec.errors.length} |`,
    )
  }
  lines.push('', '## Fault checklist', '')
  lines.push(
    'The rows of the simulator fault checklist, and the connectors that handle each (details on each page).',
    '',
  )
  lines.push(
    `| # | Fault | ${specs.map((s) => code(s.name)).join(' | ')} |`,
    `|---|---|${specs.map(() => '---').join('|')}|`,
  )
  for (const [row, fault] of Object.entries(FAULT_CHECKLIST)) {
    const marks = specs.map((s) => (s.faultRows.some((r) => r.row === Number(row)) ? '✔' : '–'))
    lines.push(`| ${row} | ${fault} | ${marks.join(' | ')} |`)
  }
  lines.push('')
  return lines.join('\n')
}
