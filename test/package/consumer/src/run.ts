// `node out/run.js`, `bun src/run.ts`, `deno run src/run.ts`: prints the checks that passed and the
// list expected, as JSON; a failed check is an uncaught error, so the process exits non-zero.
import { CHECKS, runChecks } from './checks.ts'

console.log(JSON.stringify({ passed: await runChecks(), expected: CHECKS }))
