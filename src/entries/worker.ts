// Cloudflare Workers entry (wrangler.toml). Configuration comes from the Worker's bindings on each
// request: [vars] in wrangler.toml, secrets from `wrangler secret put`, `.dev.vars` in development.
// Revocations live in a Durable Object (the REVOCATIONS binding), shared by every isolate.
import { DurableObject } from 'cloudflare:workers'
import type { ExecutionContext } from 'hono'
import { DurableObjectRevocationStore, revocationObject, type RevocationNamespace } from 'hono-jwt-session/cloudflare'
import { boot, type Booted } from '../app/boot.ts'
import { pickEnvironment } from '../app/config.ts'

/** The Durable Object that keeps the app's revocations; wrangler.toml binds it as REVOCATIONS. */
export class Revocations extends revocationObject(DurableObject) {}

/** The Worker's bindings: plain strings for vars and secrets, and the Durable Object's namespace. */
type Bindings = Record<string, unknown> & { REVOCATIONS?: RevocationNamespace }

// One app per distinct configuration: built on the first request an isolate serves, reused after.
let cached: { key: string; booted: Booted } | undefined

function appFor(bindings: Bindings): Booted {
  const env = pickEnvironment((name) => bindings[name])
  const key = JSON.stringify(env)
  if (cached?.key !== key) {
    const namespace = bindings.REVOCATIONS
    const booted = boot(env, {
      // Cloudflare sets CF-Connecting-IP to the client's address on every request (a client cannot choose it).
      socketAddress: (c) => c.req.header('CF-Connecting-IP'),
      sharedStore: () => (namespace === undefined ? undefined : { store: new DurableObjectRevocationStore(namespace), description: 'in a Durable Object' }),
    })
    if (booted.ok) {
      for (const warning of booted.config.warnings) console.warn(`Warning: ${warning}`)
      if (namespace === undefined && booted.config.session.revocation !== undefined) {
        console.warn('Warning: no REVOCATIONS binding: revocations live in this isolate only, so a logout is not seen by other isolates (see wrangler.toml)')
      }
      console.log(`Revocations: ${booted.config.revocations}`)
    }
    cached = { key, booted }
  }
  return cached.booted
}

export default {
  fetch(request: Request, bindings: Bindings, ctx: ExecutionContext): Response | Promise<Response> {
    const booted = appFor(bindings)
    if (!booted.ok) {
      // A Worker cannot refuse to start: every request fails loudly instead, naming the setting in the log.
      console.error(booted.message)
      return new Response('The server is misconfigured; see its log.', { status: 500 })
    }
    return booted.app.fetch(request, bindings, ctx)
  },
}
