/** @module test/cli/captured-io — a CliIo whose output the test reads back. */
import type { CliIo } from '../../src/cli/cli-io.ts'

export function capturedIo(
  env: Record<string, string> = {},
  tty = false,
): CliIo & { out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    env,
    stdout: { write: (text: string) => (out += text), isTTY: tty },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  }
}
