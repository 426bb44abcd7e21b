// A small app with revocation on, for the tests of logout across instances: several built on one
// store and one clock are instances behind one load balancer.
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import {
  session,
  type InvalidSessionReason,
  type RevocationOptions,
  type RevocationStore,
  type SessionEnv,
  type SessionOptions,
} from 'hono-jwt-session'
import { CookieJar, type TestClock } from 'hono-jwt-session/testing'

export const SECRET = 'revocation-test-secret-0123456789abcdef'

export interface Shop {
  app: Hono<SessionEnv>
  invalid: InvalidSessionReason[]
  errors: unknown[]
}

/** An app instance; several built on one store and clock are instances behind one load balancer. */
export function instance(store: RevocationStore, clock: TestClock, revocation: Omit<RevocationOptions, 'store'> = {}, extra: Partial<SessionOptions> = {}): Shop {
  const invalid: InvalidSessionReason[] = []
  const errors: unknown[] = []
  const app = new Hono<SessionEnv>()
  app.use(
    session({
      secret: SECRET,
      cookie: { secure: false },
      clock: clock.now,
      revocation: { store, timeout: 5, ...revocation },
      onInvalid: (reason) => invalid.push(reason),
      ...extra,
    }),
  )
  app.post('/login/:user', (c) => {
    c.var.session.regenerate({ subject: c.req.param('user') })
    c.var.session.set('user', c.req.param('user'))
    return c.text('in')
  })
  app.post('/logout', (c) => {
    c.var.session.clear({ everywhere: c.req.query('everywhere') === 'true' })
    return c.text('out')
  })
  app.post('/cart', (c) => {
    c.var.session.set('cart', ['tea'])
    return c.text('ok')
  })
  app.get('/me', (c) => c.json({ user: c.var.session.get('user') ?? null, subject: c.var.session.subject ?? null }))
  app.onError((error, c) => {
    errors.push(error)
    if (error instanceof HTTPException) return error.getResponse()
    return c.text('error', 500)
  })
  return { app, invalid, errors }
}

export async function me(shop: Shop, jar: CookieJar): Promise<unknown> {
  return (await jar.request(shop.app, '/me')).json()
}

/** A copy of the jar's cookies, as an attacker who stole them would hold. */
export function copy(jar: CookieJar): CookieJar {
  return new CookieJar().set('session', jar.get('session')!)
}


/**
 * Ada logs in on `loginOn`, a copy of her cookie is taken (what a thief keeps), and she logs out on
 * `logoutOn`: the copy is what a test then presents.
 */
export async function copyThenLogout(loginOn: Shop, logoutOn: Shop = loginOn): Promise<{ browser: CookieJar; stolen: CookieJar }> {
  const browser = new CookieJar()
  await browser.request(loginOn.app, '/login/ada', { method: 'POST' })
  const stolen = copy(browser)
  await browser.request(logoutOn.app, '/logout', { method: 'POST' })
  return { browser, stolen }
}
