/** @module cli/table-format — aligned plain-text tables and timestamps for terminal output. */

const numberFormat = new Intl.NumberFormat('en-US')

export function formatCount(value: number): string {
  return numberFormat.format(value)
}

/** `2026-01-01 09:30:00Z`: sortable, unambiguous, and short enough for a table column. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '-'
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z')
}

export interface Column<Row> {
  header: string
  value(row: Row): string | number | null | undefined
  /** Longer cells are cut with `…` so one long error message does not wrap the whole table. */
  maxWidth?: number
}

function cell(value: string | number | null | undefined, maxWidth: number): string {
  const text =
    value === null || value === undefined || value === '' ? '-' : String(value).replace(/\s+/g, ' ')
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text
}

export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => cell(column.value(row), column.maxWidth ?? 80)),
  )
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]?.length ?? 0)),
  )
  const render = (line: readonly string[]): string =>
    line
      .map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd()
  return [render(columns.map((c) => c.header)), ...cells.map(render)].join('\n')
}
