/** @module cli/progress-reporter — `replayed 300/1,200` while a long operation runs.
 *
 * On a terminal the line rewrites itself; piped into a file or CI log, each update is its own
 * line, because carriage returns there turn into one unreadable line.
 */
import type { OutputStream } from './cli-io.ts'
import { formatCount } from './table-format.ts'

export interface ProgressReporter {
  update(done: number): void
  finish(): void
}

export function createProgressReporter(
  stream: OutputStream,
  verb: string,
  total: number,
): ProgressReporter {
  const tty = stream.isTTY === true
  let wrote = false
  return {
    update(done) {
      const line = `${verb} ${formatCount(done)}/${formatCount(total)}`
      stream.write(tty ? `\r${line}` : `${line}\n`)
      wrote = true
    },
    finish() {
      if (tty && wrote) stream.write('\n')
    },
  }
}
