#!/usr/bin/env node
// The CLI is TypeScript; a fresh clone needs no build step (see cli-bundle.js for how it starts fast).
import { runCli } from './cli-bundle.js'

await runCli()
