/** @module cli/cli-main — the `syncline` binary: the one place that reads process.argv and env. */
import { runCli } from './cli-program.ts'

process.exitCode = await runCli(process.argv, {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
})
