// Renders a saved HTTP comparison (bench/http.ts --json=FILE) again, so the report's wording can change
// without measuring again. Usage: bun bench/render.ts FILE.json [--markdown=OUT.md]; without
// --markdown it prints the tables.
import { readFileSync, writeFileSync } from 'node:fs'
import { markdownReport, printTables, type Report } from './report.ts'

const [file, ...rest] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: bun bench/render.ts FILE.json [--markdown=OUT.md]')
  process.exit(2)
}
const report: Report = JSON.parse(readFileSync(file, 'utf8'))
const markdown = rest.find((a) => a.startsWith('--markdown='))?.slice('--markdown='.length)
if (markdown === undefined) printTables(report, console.log)
else writeFileSync(markdown, markdownReport(report))
