import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const SRC = join(import.meta.dir, '../src')
const ENTRIES = join(SRC, 'entries')

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? files(path) : /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

const RUNTIME_SPECIFIC = [
  /from\s+['"](node|bun|deno):/,
  /import\(\s*['"](node|bun|deno):/,
  /\brequire\(/,
  /\bBun\./,
  /\bDeno\./,
  /\bprocess\./,
  /\bBuffer\b/,
  /\b__dirname\b/,
  /\bimport\.meta\.(dir|path|env)\b/,
]

describe('Web APIs only outside the entry files', () => {
  const sources = files(SRC).filter((path) => !path.startsWith(ENTRIES))

  test('there is code to check', () => {
    expect(sources.length).toBeGreaterThan(5)
  })

  for (const path of sources) {
    test(relative(SRC, path), () => {
      const offending = readFileSync(path, 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.trim(), n: i + 1 }))
        .filter(({ line }) => !/^(\/\/|\/\*|\*)/.test(line) && RUNTIME_SPECIFIC.some((re) => re.test(line)))
        .map(({ line, n }) => `${n}: ${line}`)
      expect(offending).toEqual([])
    })
  }

  test('the pattern list catches what it should', () => {
    for (const line of ["import { x } from 'node:fs'", 'Bun.serve({})', 'process.env.X', 'Deno.serve()', "const fs = require('fs')"]) {
      expect(RUNTIME_SPECIFIC.some((re) => re.test(line))).toBe(true)
    }
  })
})
