// A Worker for the Durable Object store's tests (test/adapters/cloudflare.test.ts): the class made by
// revocationObject(), as a user exports it, and an app instance (test/support/revocation-app.ts)
// using the object through DurableObjectRevocationStore. Bundled with `bun build --external
// cloudflare:workers` and run in Miniflare and under `wrangler dev`, so in workerd either way.
import { DurableObject } from 'cloudflare:workers'
import { DurableObjectRevocationStore, revocationObject, type RevocationNamespace } from 'hono-jwt-session/cloudflare'
import { TestClock } from 'hono-jwt-session/testing'
import { instance, type Shop } from '../support/revocation-app.ts'

interface Env {
  REVOCATIONS: DurableObjectNamespace<Revocations>
}

/** Makes `storage` record in `calls` the name of each method called on it (own properties over its methods). */
function record(storage: DurableObjectStorage, calls: string[]): void {
  for (const name of ['get', 'put', 'delete', 'list', 'getAlarm', 'setAlarm'] as const) {
    const method = storage[name] as (...args: unknown[]) => unknown
    Object.defineProperty(storage, name, {
      value: (...args: unknown[]) => {
        calls.push(name)
        return method.apply(storage, args)
      },
    })
  }
}

export class Revocations extends revocationObject(DurableObject) {
  readonly #calls: string[]

  constructor(ctx: DurableObjectState, env: Env) {
    // The runtime's DurableObject takes only the real ctx; its storage records the calls the store makes.
    const calls: string[] = []
    record(ctx.storage, calls)
    super(ctx, env)
    this.#calls = calls
  }

  /** Test only: the storage methods called since the last time this was asked. */
  async calls(): Promise<string[]> {
    return this.#calls.splice(0)
  }

  /** Test only: every key the object holds. */
  async keys(): Promise<string[]> {
    return [...(await this.ctx.storage.list()).keys()]
  }

  /** Test only: when the storage alarm is set for. */
  async alarmAt(): Promise<number | null> {
    return this.ctx.storage.getAlarm()
  }
}

// The real binding type is what the store takes; a namespace of another class is not.
const _accepted = (env: Env): RevocationNamespace => env.REVOCATIONS
class Unrelated extends DurableObject {}
// @ts-expect-error its objects do not answer check, revokeSession, revokeSubject
const _refused = (namespace: DurableObjectNamespace<Unrelated>): RevocationNamespace => namespace

// One app instance per isolate, as a Worker builds its app once. Every Worker started from this
// script starts its clock at the same moment, as instances sharing one clock.
let shop: Shop | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    shop ??= instance(new DurableObjectRevocationStore(env.REVOCATIONS), new TestClock(), { timeout: 2000, outageGrace: 0 })
    if (new URL(request.url).pathname === '/invalid') return Response.json({ invalid: shop.invalid, errors: shop.errors.map(String) })
    return shop.app.fetch(request)
  },
} satisfies ExportedHandler<Env>
