/** @module reliability/report/reliability-report-main — writes docs/reliability.md from a results folder. */
import { writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { readReliabilityResults } from './reliability-result.ts'
import { renderReliabilityReport } from './reliability-report.ts'

const [resultsDir, outFile = 'docs/reliability.md'] = process.argv.slice(2)
if (resultsDir === undefined) {
  console.error('usage: reliability-report-main <results-folder> [out-file]')
  process.exit(2)
}
const results = readReliabilityResults(resultsDir)
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`
writeFileSync(
  outFile,
  renderReliabilityReport(results, { machine, generatedAt: new Date().toISOString() }),
)
console.log(`reliability report: ${results.length} test(s) → ${outFile}`)
