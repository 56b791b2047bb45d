/** @module test/cli/cli-options.test — option parsing, env fallbacks and output helpers, in-process. */
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/cli-program.ts'
import { createProgressReporter } from '../../src/cli/progress-reporter.ts'
import { formatTable } from '../../src/cli/table-format.ts'
import { capturedIo as io } from './captured-io.ts'

describe('option validation', () => {
  it('rejects a bad port or log level for start with exit code 1', async () => {
    const cliIo = io()
    expect(await runCli(['node', 'syncline', 'start', '--port', '70000'], cliIo)).toBe(1)
    expect(cliIo.err()).toContain('must be a port number from 0 to 65535')
    const second = io()
    expect(await runCli(['node', 'syncline', 'start', '--log-level', 'loud'], second)).toBe(1)
    expect(second.err()).toContain(
      'Allowed choices are fatal, error, warn, info, debug, trace, silent',
    )
  })

  it('rejects a hub URL that is not http(s)', async () => {
    const cliIo = io()
    expect(await runCli(['node', 'syncline', 'runs', '--hub', 'ftp://hub'], cliIo)).toBe(1)
    expect(cliIo.err()).toContain("'ftp://hub' must be an http:// or https:// URL")
  })
})

describe('syncline migrate options', () => {
  it('refuses --database-url together with --data-dir', async () => {
    const cliIo = io()
    const code = await runCli(
      ['node', 'syncline', 'migrate', '--database-url', 'postgres://x/y', '--data-dir', './d'],
      cliIo,
    )
    expect(code).toBe(1)
    expect(cliIo.err()).toBe('syncline: pass either --database-url or --data-dir, not both\n')
  })
})

describe('help and version', () => {
  it('exits 0 and prints to stdout', async () => {
    const cliIo = io()
    expect(await runCli(['node', 'syncline', '--help'], cliIo)).toBe(0)
    expect(cliIo.out()).toMatch(/start \[options\][\s\S]*migrate[\s\S]*runs[\s\S]*dlq/)
    const version = io()
    expect(await runCli(['node', 'syncline', '--version'], version)).toBe(0)
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe('progress and tables', () => {
  it('rewrites one line on a terminal and writes plain lines elsewhere', () => {
    const tty = io({}, true)
    const onTty = createProgressReporter(tty.stdout, 'replayed', 1_200)
    onTty.update(300)
    onTty.update(1_200)
    onTty.finish()
    expect(tty.out()).toBe('\rreplayed 300/1,200\rreplayed 1,200/1,200\n')
    const piped = io()
    const plain = createProgressReporter(piped.stdout, 'replayed', 1_200)
    plain.update(300)
    plain.finish()
    expect(piped.out()).toBe('replayed 300/1,200\n')
  })

  it('aligns columns and cuts long cells', () => {
    const table = formatTable(
      [
        { header: 'ID', value: (r: { id: string; note: string | null }) => r.id },
        { header: 'NOTE', value: (r) => r.note, maxWidth: 8 },
      ],
      [
        { id: '1', note: 'short' },
        { id: '1234', note: 'much longer than eight' },
        { id: '5', note: null },
      ],
    )
    expect(table).toBe('ID    NOTE\n1     short\n1234  much lo…\n5     -')
  })
})
