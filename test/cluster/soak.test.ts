// The short cluster soak: 20 users for 20 seconds through HAProxy in front of three instances sharing
// one persistent Redis, an instance killed and restarted, Redis killed and restarted. The full one is
// `bun run soak --cluster` (5 minutes), with its figures in docs/reliability.md.
import { expect, test } from 'bun:test'
import { formatClusterReport, runClusterSoak } from '../../bench/cluster-soak.ts'
import { haproxyAvailable } from '../support/load-balancer.ts'
import { redisAvailable } from '../support/redis-server.ts'
import { runSeed } from '../support/seed.ts'

test.if(redisAvailable() && haproxyAvailable())(
  'cluster soak: an instance and Redis killed under load; no session lost, no revoked session served, no 5xx but the documented ones, no cross-talk',
  async () => {
    const seed = runSeed('SOAK_SEED')
    const report = await runClusterSoak({ durationSeconds: 20, users: 20, seed })
    const summary = `seed ${seed}\n${formatClusterReport(report)}`
    expect(report.requests, summary).toBeGreaterThan(1000)
    expect(report.timeline.filter((line) => /killed|started again/.test(line)), summary).toHaveLength(3) // the kill, the restart, Redis's restart
    expect(report.serverErrors, summary).toBe(0)
    expect(report.storeUnavailable.withoutRetryAfter, summary).toBe(0)
    expect(report.cutOffByKill, summary).toBe(0)
    expect(report.unexpected, summary).toBe(0)
    expect(report.crossTalk, summary).toBe(0)
    expect(report.replays, summary).toBeGreaterThan(100)
    expect(report.lostSessions, summary).toBe(0)
    expect(report.revokedServed, summary).toBe(0)
    // Bounded memory: no instance more than doubles its warmed-up size.
    for (const m of report.rssMb) expect(m.end, summary).toBeLessThan(Math.max(2 * (m.afterRestart ?? m.start), 200))
    console.log(summary)
  },
  90_000,
)
