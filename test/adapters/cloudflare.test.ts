// The Durable Object store in workerd: the test Worker (test/workers/revocation-worker.ts) bundled
// as a user's would be and run in Miniflare, two Workers sharing the object: the store contract
// called from here through the namespace, one storage.get per check, atomic raises and epoch, the
// alarm's clean-up, logout across two Worker instances; then the same bundle under `wrangler dev`.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DurableObjectRevocationStore, type RevocationNamespace, type RevocationObjectStub } from 'hono-jwt-session/cloudflare'
import { CookieJar, type Requestable } from 'hono-jwt-session/testing'
import { Miniflare } from 'miniflare'
import { copy } from '../support/revocation-app.ts'
import { ROOT, startServer } from '../support/server.ts'
import { describeStoreContract } from '../support/store-contract.ts'

const SID = 'A'.repeat(22)
const COMPATIBILITY_DATE = '2026-01-01'

/** The test class's extra methods, on top of the store's. */
interface TestStub extends RevocationObjectStub {
  calls(): Promise<string[]>
  keys(): Promise<string[]>
  alarmAt(): Promise<number | null>
}

const folder = mkdtempSync(join(tmpdir(), 'durable-object-test-'))
const script = join(folder, 'worker.js')
let mf: Miniflare
/** The binding as the test sees it: its stubs also answer the test class's methods. */
interface TestNamespace extends RevocationNamespace {
  get(id: ReturnType<RevocationNamespace['idFromName']>): TestStub
}
let namespace: TestNamespace

beforeAll(async () => {
  const built = await Bun.build({
    entrypoints: [join(ROOT, 'test/workers/revocation-worker.ts')],
    outdir: folder,
    naming: 'worker.js',
    target: 'browser',
    format: 'esm',
    external: ['cloudflare:workers'],
  })
  if (!built.success) throw new AggregateError(built.logs, 'the test Worker did not build')
  mf = new Miniflare({
    cf: false,
    workers: [
      { name: 'a', modules: true, modulesRoot: folder, scriptPath: script, compatibilityDate: COMPATIBILITY_DATE, durableObjects: { REVOCATIONS: { className: 'Revocations', useSQLite: true } } },
      // A second Worker bound to the first one's class: another instance sharing the same objects.
      { name: 'b', modules: true, modulesRoot: folder, scriptPath: script, compatibilityDate: COMPATIBILITY_DATE, durableObjects: { REVOCATIONS: { className: 'Revocations', scriptName: 'a', useSQLite: true } } },
    ],
  })
  namespace = (await mf.getDurableObjectNamespace('REVOCATIONS', 'a')) as unknown as typeof namespace
}, 30_000)

afterAll(async () => {
  await mf?.dispose()
  rmSync(folder, { recursive: true, force: true })
})

/** A store on a new object of its own, and the object's stub for looking inside. */
function fresh(): { store: DurableObjectRevocationStore; stub: TestStub } {
  const name = crypto.randomUUID()
  return { store: new DurableObjectRevocationStore(namespace, { name }), stub: namespace.get(namespace.idFromName(name)) }
}

async function worker(name: 'a' | 'b'): Promise<Requestable> {
  const fetcher = await mf.getWorker(name)
  return { request: (path, init) => fetcher.fetch(`http://worker${path}`, init as never) as unknown as Promise<Response> }
}

/** What an app instance reported: its onInvalid reasons, and the errors its handlers threw (store failures included). */
async function reported(app: Requestable): Promise<{ invalid: string[]; errors: string[] }> {
  return (await (await app.request('/invalid')).json()) as { invalid: string[]; errors: string[] }
}

describeStoreContract('Durable Object', async () => ({ store: fresh().store, [Symbol.asyncDispose]: async () => {} }))

describe('Durable Object', () => {
  test('a check is one storage.get, a subject included, once the epoch exists', async () => {
    const { store, stub } = fresh()
    await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: 1 })
    await stub.calls()
    await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '2.y', now: 2 })

    expect(await stub.calls()).toEqual(['get'])
  })

  test("concurrent calls: one epoch for all first checks, and the highest cut-off wins", async () => {
    const { store } = fresh()
    const epochs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => store.check({ sessionId: SID, subject: undefined, proposedEpoch: `1.p${i}`, now: 1 })),
    )
    const cutoffs = Array.from({ length: 30 }, (_, i) => 1000 + ((i * 7) % 30))
    await Promise.all(cutoffs.map((cutoff) => store.revokeSubject({ subject: 'ada', cutoff, expiresAt: 9000, now: 1000 })))

    expect(new Set(epochs.map((status) => status.epoch)).size).toBe(1)
    expect((await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: 1001 })).subjectCutoff).toBe(Math.max(...cutoffs))
  })

  test("expired entries count as absent by the middleware's now, and the alarm deletes them once due", async () => {
    const { store, stub } = fresh()
    const now = Math.floor(Date.now() / 1000)
    await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now })
    await store.revokeSession({ sessionId: SID, expiresAt: now + 1, now })
    await store.revokeSubject({ subject: 'ada', cutoff: now, expiresAt: now + 1, now })
    await store.revokeSession({ sessionId: 'B'.repeat(22), expiresAt: now + 3600, now })
    const alarm = await stub.alarmAt()

    expect(await store.check({ sessionId: SID, subject: 'ada', proposedEpoch: '1.x', now: now + 1 })).toMatchObject({ sessionRevoked: false, subjectCutoff: undefined })
    expect(alarm).toBeWithin(Date.now(), Date.now() + 1100)
    const deadline = Date.now() + 10_000
    while ((await stub.keys()).length > 3 && Date.now() < deadline) await Bun.sleep(100)
    const kept = await stub.keys()
    expect(kept.filter((key) => !key.startsWith('sweep:'))).toEqual(['epoch', `sid:${'B'.repeat(22)}`])
    expect(kept.filter((key) => key.startsWith('sweep:'))).toHaveLength(1)
    expect(await stub.alarmAt()).toBeGreaterThan(Date.now() + 3_000_000)
  })

  test('a logout on one Worker ends a copied cookie on another Worker sharing the object', async () => {
    const [a, b] = [await worker('a'), await worker('b')]
    const [browser, other] = [new CookieJar(), new CookieJar()]
    await browser.request(a, '/login/ada', { method: 'POST' })
    await other.request(b, '/login/bob', { method: 'POST' })
    const stolen = copy(browser)
    expect((await browser.request(a, '/logout', { method: 'POST' })).status).toBe(200)

    expect(await (await stolen.request(b, '/me')).json()).toEqual({ user: null, subject: null })
    expect(await (await other.request(a, '/me')).json()).toEqual({ user: 'bob', subject: 'bob' })
    expect(await reported(b)).toEqual({ invalid: ['revoked'], errors: [] })
    expect((await reported(a)).errors).toEqual([])
  })

  test('"everywhere" on one Worker ends every session of the subject on the other', async () => {
    const [a, b] = [await worker('a'), await worker('b')]
    const [laptop, phone] = [new CookieJar(), new CookieJar()]
    await laptop.request(a, '/login/cyd', { method: 'POST' })
    await phone.request(b, '/login/cyd', { method: 'POST' })
    expect((await laptop.request(a, '/logout?everywhere=true', { method: 'POST' })).status).toBe(200)

    expect(await (await phone.request(b, '/me')).json()).toEqual({ user: null, subject: null })
    expect((await reported(b)).errors).toEqual([])
  })

  test('refuses what is not a namespace binding', () => {
    expect(() => new DurableObjectRevocationStore({} as RevocationNamespace)).toThrow(TypeError)
    expect(() => new DurableObjectRevocationStore(namespace, { name: '' })).toThrow(TypeError)
  })
})

describe('under wrangler dev (workerd as wrangler runs it)', () => {
  test('the same Worker serves logins and refuses a copied cookie after logout', async () => {
    const config = join(folder, 'wrangler.toml')
    writeFileSync(
      config,
      [
        'name = "revocation-test"',
        'main = "worker.js"',
        `compatibility_date = "${COMPATIBILITY_DATE}"`,
        'no_bundle = true',
        '[[durable_objects.bindings]]',
        'name = "REVOCATIONS"',
        'class_name = "Revocations"',
        '[[migrations]]',
        'tag = "v1"',
        'new_sqlite_classes = ["Revocations"]',
      ].join('\n'),
    )
    const wrangler = join(ROOT, 'node_modules/.bin/wrangler')
    const args = ['dev', '-c', config, '--port', '0', '--ip', '127.0.0.1', '--persist-to', join(folder, 'state'), '--show-interactive-dev-session=false']
    // Its own config folder (logs, and the dev registry other wrangler sessions on the machine share).
    const env = { XDG_CONFIG_HOME: join(folder, 'config'), WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: 'true', NO_COLOR: '1' }
    const server = await startServer([wrangler, ...args], env, 30_000)
    try {
      const app: Requestable = {
        request: (path, init) => fetch(`${server.url}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(10_000) }),
      }
      const [browser, other] = [new CookieJar(), new CookieJar()]
      expect((await browser.request(app, '/login/ada', { method: 'POST' })).status).toBe(200)
      expect((await other.request(app, '/login/bob', { method: 'POST' })).status).toBe(200)
      const stolen = copy(browser)
      expect((await browser.request(app, '/logout', { method: 'POST' })).status).toBe(200)

      expect(await (await stolen.request(app, '/me')).json()).toEqual({ user: null, subject: null })
      expect(await (await other.request(app, '/me')).json()).toEqual({ user: 'bob', subject: 'bob' })
      // No store call failed: the refusals came from the Durable Object, not from a broken store.
      expect(await reported(app)).toEqual({ invalid: ['revoked'], errors: [] })
    } finally {
      await server.stop()
    }
  }, 60_000)
})
