// Lets `npm start` and `npm test` be the whole quick start on a fresh clone:
// installs the locked dependencies once when node_modules is missing.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'

if (!existsSync(new URL('../node_modules/.package-lock.json', import.meta.url))) {
  console.error('syncline: installing dependencies (npm ci), first run only...')
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit', cwd: new URL('..', import.meta.url) })
}
