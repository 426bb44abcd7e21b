// The Deno KV store, running in real Deno on real Deno KV files (deno-kv-host.ts, permissions scoped
// to a temporary folder), driven from bun over HTTP: the store contract, one getMany per check, expiry
// judged by the middleware's clock, two processes writing at once, logout across two processes sharing
// one file, and a lost file ending the sessions checked before it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DenoKvRevocationStore, type DenoKvAtomicLike, type DenoKvEntryLike, type DenoKvKey, type DenoKvLike } from 'hono-jwt-session/deno-kv'
import { CookieJar } from 'hono-jwt-session/testing'
import { DenoKvHost } from '../support/deno-kv.ts'
import { copy } from '../support/revocation-app.ts'
import { describeStoreContract } from '../support/store-contract.ts'

const SID = 'A'.repeat(22)
const json = async (res: Response | Promise<Response>) => (await res).json()

let a: DenoKvHost
let b: DenoKvHost
beforeAll(async () => {
  a = await DenoKvHost.start()
  b = await DenoKvHost.start(a.folder)
}, 60_000)
afterAll(async () => {
  await b?.[Symbol.asyncDispose]()
  await a?.[Symbol.asyncDispose]()
})

const database = () => `db-${crypto.randomUUID()}`

describeStoreContract('Deno KV', async () => {
  const name = database()
  return { store: a.store(name), [Symbol.asyncDispose]: () => a.close(name) }
})

describe('Deno KV', () => {
  test('a check is one getMany, a subject included, once the epoch exists', async () => {
    const name = database()
    const store = a.store(name)
    await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: 1 })
    expect(await a.calls(name)).toEqual(['getMany', 'atomic'])

    await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '2.y', now: 2 })
    expect(await a.calls(name)).toEqual(['getMany'])
    await a.close(name)
  })

  test("an entry is judged by the middleware's now, though Deno KV still returns it until its sweep", async () => {
    const name = database()
    const store = a.store(name)
    await store.revokeSession({ sessionId: SID, expiresAt: 1001, now: 1000 })
    await store.revokeSubject({ subject: 'ada', cutoff: 1000, expiresAt: 1001, now: 1000 })
    const at = (now: number) => store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now })

    expect(await at(1000)).toMatchObject({ sessionRevoked: true, subjectCutoff: 1000 })
    expect(await at(1001)).toMatchObject({ sessionRevoked: false, subjectCutoff: undefined })
    // An expired cut-off, though higher and still stored, does not block a lower new one.
    await store.revokeSubject({ subject: 'ada', cutoff: 900, expiresAt: 5000, now: 1001 })
    expect((await at(1002)).subjectCutoff).toBe(900)
    await a.close(name)
  })

  test('two processes proposing epochs at once on a new file agree on one', async () => {
    const name = database()
    const epochs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).store(name).check({ sessionId: SID, subject: undefined, proposedEpoch: `1.p${i}`, now: 1 }),
      ),
    )
    expect(new Set(epochs.map((status) => status.epoch)).size).toBe(1)
    await a.close(name)
  })

  test("two processes raising a subject's cut-off at once leave the highest", async () => {
    const name = database()
    const cutoffs = [1005, 1001, 1009, 1003, 1007, 1002, 1008, 1004]
    await Promise.all(cutoffs.map((cutoff, i) => (i % 2 === 0 ? a : b).store(name).revokeSubject({ subject: 'ada', cutoff, expiresAt: 9000, now: 1000 })))

    expect((await a.store(name).check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: 1010 })).subjectCutoff).toBe(1009)
    await a.close(name)
  })

  test('two processes writing one file at once: a locked file is waited out and every write lands', async () => {
    const name = database()
    // 10 users, each logging out everywhere from two devices at once, one on each process.
    const subjects = Array.from({ length: 10 }, (_, i) => `user-${i}`)
    const raises = subjects.flatMap((subject, i) => [1000 + i, 1100 - i].map((cutoff) => ({ subject, cutoff, expiresAt: 9000, now: 1000 })))
    await Promise.all(raises.map((raise, i) => (i % 2 === 0 ? a : b).store(name).revokeSubject(raise)))
    const check = (subject: string) => a.store(name).check({ sessionId: SID, subject, proposedEpoch: '1.x', now: 1001 })

    const cutoffs = await Promise.all(subjects.map(async (subject) => (await check(subject)).subjectCutoff))
    expect(cutoffs).toEqual(subjects.map((_, i) => Math.max(1000 + i, 1100 - i)))
    await a.close(name)
  })

  test('a logout on one process ends a copied cookie on another process sharing the file', async () => {
    const name = database()
    const browser = new CookieJar()
    await browser.request(a.app(name), '/login/ada', { method: 'POST' })
    const other = new CookieJar()
    await other.request(b.app(name), '/login/bob', { method: 'POST' })
    const stolen = copy(browser)
    await browser.request(a.app(name), '/logout', { method: 'POST' })

    expect(await json(stolen.request(b.app(name), '/me'))).toEqual({ user: null, subject: null })
    expect(await json(other.request(a.app(name), '/me'))).toEqual({ user: 'bob', subject: 'bob' })
    expect(await b.invalid(name)).toEqual(['revoked'])
    await a.close(name)
  })

  test('"everywhere" on one process ends every session of the subject on the other', async () => {
    const name = database()
    const [laptop, phone] = [new CookieJar(), new CookieJar()]
    await laptop.request(a.app(name), '/login/ada', { method: 'POST' })
    await phone.request(b.app(name), '/login/ada', { method: 'POST' })
    await laptop.request(a.app(name), '/logout?everywhere=true', { method: 'POST' })

    expect(await json(phone.request(b.app(name), '/me'))).toEqual({ user: null, subject: null })
    expect(await b.invalid(name)).toEqual(['revoked'])
    await a.close(name)
  })

  test('a lost file (a new, empty one in its place) ends every session checked before; new sessions work', async () => {
    const name = database()
    const before = new CookieJar()
    await before.request(a.app(name), '/login/ada', { method: 'POST' })
    expect(await json(before.request(a.app(name), '/me'))).toEqual({ user: 'ada', subject: 'ada' })
    await a.lose(name)
    const after = new CookieJar()
    await after.request(a.app(name), '/login/bob', { method: 'POST' })

    expect(await json(before.request(a.app(name), '/me'))).toEqual({ user: null, subject: null })
    expect(await json(after.request(a.app(name), '/me'))).toEqual({ user: 'bob', subject: 'bob' })
    expect(await a.invalid(name)).toEqual(['store-reset'])
    await a.close(name)
  })
})

/** A Deno KV stand-in whose atomic writes always lose the race, as under endless contention. */
function alwaysConflicting(): DenoKvLike {
  const absent: DenoKvEntryLike = { value: null, versionstamp: null }
  const atomic = (): DenoKvAtomicLike => {
    const operation: DenoKvAtomicLike = {
      check: () => operation,
      set: () => operation,
      commit: async () => ({ ok: false }),
    }
    return operation
  }
  return {
    get: async (_: DenoKvKey) => absent,
    getMany: async (keys: readonly DenoKvKey[]) => keys.map(() => absent),
    set: async () => ({ ok: true }),
    atomic,
  }
}

describe('DenoKvRevocationStore without Deno', () => {
  test('gives up with an error after a bounded number of conflicts, instead of looping', async () => {
    const store = new DenoKvRevocationStore(alwaysConflicting())
    await expect(store.revokeSubject({ subject: 'ada', cutoff: 1, expiresAt: 2, now: 1 })).rejects.toThrow(/could not be raised after 14 tries/)
    await expect(store.check({ sessionId: SID, subject: undefined, proposedEpoch: '1.x', now: 1 })).rejects.toThrow(/epoch could not be saved after 14 tries/)
  })

  test('refuses what is not a Deno KV database, and data it did not write', async () => {
    expect(() => new DenoKvRevocationStore({} as DenoKvLike)).toThrow(TypeError)
    const foreign: DenoKvLike = { ...alwaysConflicting(), getMany: async (keys) => keys.map(() => ({ value: 42, versionstamp: '01' })) }
    await expect(new DenoKvRevocationStore(foreign).check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: 1 })).rejects.toThrow(/did not write/)
  })
})
