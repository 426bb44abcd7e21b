// The demo's documentation lists exactly what the app reads: nothing kept by hand goes stale.
import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { VARIABLES } from '../../src/app/config.ts'
import { ROOT } from '../support/server.ts'

test("docs/demo.md's configuration table names every variable the app reads, once each, and no other", () => {
  const doc = readFileSync(join(ROOT, 'docs/demo.md'), 'utf8')
  const table = doc.slice(doc.indexOf('## Configuration'), doc.indexOf('\n## ', doc.indexOf('## Configuration') + 1))
  const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1])
  expect(documented.sort()).toEqual([...VARIABLES].sort())
})
