/** @module reliability/report/reliability-report-main — writes docs/reliability.md from results
 * folders: one per tier, so the last tier-1 run (CI) and the last tier-2 run (on demand) are
 * reported side by side. */
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { readReliabilityResults } from './reliability-result.ts'
import { renderReliabilityReport } from './reliability-report.ts'

const args = process.argv.slice(2)
const outIndex = args.indexOf('--out')
const outFile = outIndex >= 0 ? (args[outIndex + 1] ?? '') : 'docs/reliability.md'
const dirs = args.filter((_, i) => i !== outIndex && i !== outIndex + 1)
if (dirs.length === 0 || outFile === '') {
  console.error('usage: reliability-report-main <results-folder>... [--out docs/reliability.md]')
  process.exit(2)
}
const results = dirs.flatMap((dir) => readReliabilityResults(dir))
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
writeFileSync(
  outFile,
  renderReliabilityReport(results, { machine, generatedAt: new Date().toISOString() }),
)
console.log(`reliability report: ${results.length} test(s) → ${outFile}`)
