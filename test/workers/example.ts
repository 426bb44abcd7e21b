// The @example of hono-jwt-session/cloudflare (and the README's), compiled here as a user's Worker
// would be: the real Workers types and the published declarations. Not run.
import { DurableObject } from 'cloudflare:workers'
import { Hono, type Context } from 'hono'
import { session, type SessionEnv } from 'hono-jwt-session'
import { DurableObjectRevocationStore, revocationObject } from 'hono-jwt-session/cloudflare'

export class Revocations extends revocationObject(DurableObject) {}

interface Env {
  REVOCATIONS: DurableObjectNamespace<Revocations>
  SESSION_SECRET: string
}

type AppEnv = SessionEnv & { Bindings: Env }

const app = new Hono<AppEnv>()
let store: DurableObjectRevocationStore | undefined // one per isolate: the middleware keeps its state per store
app.use(
  session((c: Context<AppEnv>) => ({
    secret: c.env.SESSION_SECRET,
    revocation: { store: (store ??= new DurableObjectRevocationStore(c.env.REVOCATIONS)) },
  })),
)
app.post('/logout', (c) => {
  c.var.session.clear()
  return c.redirect('/', 303)
})

export default app
