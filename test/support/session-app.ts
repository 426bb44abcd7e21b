// The generic app for library tests: the session middleware on a TestClock plus a few routes that
// read and write the session. Build one per test with sessionApp({ ...options, routes }); drive it with a
// StrictCookieJar; assert on `invalid` (onInvalid reasons) and `errors` (what reached onError); make a
// ready session for it with sessionCookie(t.options, data).
import { Hono, type Context } from 'hono'
import { session, type InvalidSessionReason, type SessionData, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { sessionCookie, TestClock, type SessionCookieInit } from 'hono-jwt-session/testing'
import { SECRET } from './secrets.ts'

export type Handler = (c: Context<SessionEnv<SessionData>>) => Response | Promise<Response>

export interface SessionAppOptions extends Partial<SessionOptions> {
  /** Extra routes, answered for any method. */
  routes?: Record<string, Handler>
}

/**
 * An app with the session middleware and a few generic routes:
 * - GET /get?key=k answers JSON: `{"k": value}` when the session holds k, `{}` when it does not;
 * - GET /set?key=k&value=<json> stores the value;
 * - GET /noop never touches the session.
 * `options` are the exact SessionOptions the middleware was sessionOptions with.
 */
export function sessionApp(options: SessionAppOptions = {}) {
  const clock = new TestClock()
  const invalid: InvalidSessionReason[] = []
  const errors: unknown[] = []
  const { routes, ...given } = options
  const sessionOptions: SessionOptions = {
    secret: SECRET,
    cookie: { secure: false },
    clock: clock.now,
    onInvalid: (reason) => invalid.push(reason),
    ...given,
  }
  const app = new Hono<SessionEnv<SessionData>>()
  app.use(session(sessionOptions))
  app.get('/noop', (c) => c.text('noop'))
  app.get('/get', (c) => {
    const key = c.req.query('key')!
    const value = c.var.session.get(key)
    // A computed key, so "__proto__" is an own property like any other.
    return c.json(value === undefined ? {} : { [key]: value })
  })
  app.get('/set', (c) => {
    c.var.session.set(c.req.query('key')!, JSON.parse(c.req.query('value')!))
    return c.text('ok')
  })
  for (const [path, handler] of Object.entries(routes ?? {})) app.all(path, handler)
  app.onError((error, c) => {
    errors.push(error)
    if (error instanceof Error && 'getResponse' in error && typeof error.getResponse === 'function') {
      return error.getResponse() as Response
    }
    return c.text('error', 500)
  })
  return { app, clock, invalid, errors, options: sessionOptions }
}

export type SessionApp = ReturnType<typeof sessionApp>

/** The token alone of sessionCookie(options, data), for a test that writes the Cookie header itself or takes the token apart. */
export async function sessionToken(options: SessionOptions, data: SessionData, init?: SessionCookieInit): Promise<string> {
  const pair = await sessionCookie(options, data, init)
  return pair.slice(pair.indexOf('=') + 1)
}
