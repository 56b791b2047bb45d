/** @module cli/cli-io — what a command may touch: its environment and its two output streams.
 *
 * Passed in rather than read from `process`, so the environment is read in one place (the entry
 * point) and commands can be run in-process against captured streams.
 */

export interface OutputStream {
  write(text: string): unknown
  /** True on a terminal: progress lines overwrite themselves there and are plain lines elsewhere. */
  isTTY?: boolean
}

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>
  stdout: OutputStream
  stderr: OutputStream
}

/** An error the user can act on: printed as one line (no stack) with this exit code. */
export class CliError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode = 1) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
  }
}

export function writeLine(stream: OutputStream, line = ''): void {
  stream.write(`${line}\n`)
}
