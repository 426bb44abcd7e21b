import { expect, test } from 'bun:test'
import { formatReport, runSoak } from '../../bench/soak.ts'
import { runSeed } from '../support/seed.ts'

// The short soak: the full one is `bun run soak` (5 minutes), with its figures in the README.
test('soak: many users, hostile cookies, a secret rotation: nothing unexpected, nothing lost, no cross-talk', async () => {
  const seed = runSeed('SOAK_SEED')
  const report = await runSoak({ durationSeconds: 20, users: 20, seed })
  const summary = `seed ${seed}\n${formatReport(report)}`
  expect(report.requests, summary).toBeGreaterThan(1000)
  expect(report.serverErrors, summary).toBe(0)
  expect(report.unexpected, summary).toBe(0)
  expect(report.lostAcrossRotation, summary).toBe(0)
  expect(report.crossTalk, summary).toBe(0)
  // Bounded memory: no more than double the warmed-up size, well under what the machine has.
  expect(report.rssMb.beforeRotation, summary).toBeLessThan(Math.max(2 * report.rssMb.start, 200))
  expect(report.rssMb.end, summary).toBeLessThan(Math.max(2 * report.rssMb.afterRotation, 200))
}, 90_000)
