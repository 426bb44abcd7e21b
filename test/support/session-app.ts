// The generic app for library tests: the session middleware on a TestClock plus a few routes that
// read and write the session. Build one per test with sessionApp({ ...options, routes }); drive it with a
// StrictCookieJar; assert on `invalid` (onInvalid reasons) and `errors` (what reached onError).
import { Hono, type Context } from 'hono'
import { session, type InvalidSessionReason, type SessionData, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { TestClock } from 'hono-jwt-session/testing'
import { SECRET } from './secrets.ts'

export type Handler = (c: Context<SessionEnv<SessionData>>) => Response | Promise<Response>

export interface SessionAppOptions extends Partial<SessionOptions> {
  /** Extra routes, answered for any method. */
  routes?: Record<string, Handler>
}

/**
 * An app with the session middleware and a few generic routes:
 * GET /get?key=k returns the JSON value (or "none"), GET /set?key=k&value=<json>, GET /noop (never touches the session).
 */
export function sessionApp(options: SessionAppOptions = {}) {
  const clock = new TestClock()
  const invalid: InvalidSessionReason[] = []
  const errors: unknown[] = []
  const { routes, ...sessionOptions } = options
  const app = new Hono<SessionEnv<SessionData>>()
  app.use(
    session({
      secret: SECRET,
      cookie: { secure: false },
      clock: clock.now,
      onInvalid: (reason) => invalid.push(reason),
      ...sessionOptions,
    }),
  )
  app.get('/noop', (c) => c.text('noop'))
  app.get('/get', (c) => {
    const value = c.var.session.get(c.req.query('key')!)
    return c.text(value === undefined ? 'none' : JSON.stringify(value))
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
  return { app, clock, invalid, errors }
}

export type SessionApp = ReturnType<typeof sessionApp>
