// The contract every revocation store meets, run against each one (in-process, Redis with each client,
// Deno KV, Durable Object). A store under test is a real one; `fresh` makes an empty one.
import { describe, expect, test } from 'bun:test'
import type { RevocationStore } from 'hono-jwt-session'

export interface StoreUnderTest extends AsyncDisposable {
  store: RevocationStore
}

const SID = 'A'.repeat(22)
const OTHER_SID = 'B'.repeat(22)

export function describeStoreContract(name: string, fresh: () => Promise<StoreUnderTest>): void {
  const check = (store: RevocationStore, now: number, subject?: string, proposedEpoch = `${now}.proposed`) =>
    store.check({ sessionId: SID, subject, proposedEpoch, now })

  describe(`${name}: the revocation store contract`, () => {
    test('nothing is revoked in an empty store', async () => {
      await using t = await fresh()
      expect(await check(t.store, 1000, 'ada')).toEqual({ sessionRevoked: false, subjectCutoff: undefined, epoch: '1000.proposed' })
    })

    test('a revoked session is reported until it expires, and only that session', async () => {
      await using t = await fresh()
      await t.store.revokeSession({ sessionId: SID, expiresAt: 1100, now: 1000 })
      expect((await check(t.store, 1000)).sessionRevoked).toBe(true)
      expect((await t.store.check({ sessionId: OTHER_SID, subject: undefined, proposedEpoch: '1.x', now: 1000 })).sessionRevoked).toBe(false)
    })

    test("a subject's cut-off is reported for that subject only", async () => {
      await using t = await fresh()
      await t.store.revokeSubject({ subject: 'ada', cutoff: 1000, expiresAt: 5000, now: 1000 })
      expect((await check(t.store, 1001, 'ada')).subjectCutoff).toBe(1000)
      expect((await check(t.store, 1001, 'bob')).subjectCutoff).toBeUndefined()
      expect((await check(t.store, 1001)).subjectCutoff).toBeUndefined()
    })

    test("a subject's cut-off only ever moves later", async () => {
      await using t = await fresh()
      await t.store.revokeSubject({ subject: 'ada', cutoff: 1000, expiresAt: 5000, now: 1000 })
      await t.store.revokeSubject({ subject: 'ada', cutoff: 900, expiresAt: 5000, now: 1001 })
      expect((await check(t.store, 1002, 'ada')).subjectCutoff).toBe(1000)
      await t.store.revokeSubject({ subject: 'ada', cutoff: 1003, expiresAt: 5003, now: 1003 })
      expect((await check(t.store, 1004, 'ada')).subjectCutoff).toBe(1003)
    })

    test('the epoch is the first one proposed, for as long as the store keeps its data', async () => {
      await using t = await fresh()
      const first = await check(t.store, 1000, undefined, '1000.first')
      const second = await check(t.store, 2000, undefined, '2000.second')
      expect([first.epoch, second.epoch]).toEqual(['1000.first', '1000.first'])
    })

    test('subjects and ids with any characters are kept apart', async () => {
      await using t = await fresh()
      await t.store.revokeSubject({ subject: 'a:b', cutoff: 1000, expiresAt: 5000, now: 1000 })
      await t.store.revokeSubject({ subject: 'ü ✓ "x"', cutoff: 1001, expiresAt: 5000, now: 1000 })
      expect((await check(t.store, 1002, 'a')).subjectCutoff).toBeUndefined()
      expect((await check(t.store, 1002, 'a:b')).subjectCutoff).toBe(1000)
      expect((await check(t.store, 1002, 'ü ✓ "x"')).subjectCutoff).toBe(1001)
    })
  })
}
