import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { session, type SessionOptions } from 'hono-jwt-session'
import { defaultLoginLimits, LoginGuard, type LoginLimits } from './auth/login-guard.ts'
import type { UserStore } from './auth/users.ts'
import type { AppEnv, AppSession } from './env.ts'
import { addressKey, clientAddress, type SocketAddress } from './http/client-address.ts'
import { refuseCrossSiteForms } from './http/cross-site.ts'
import { errorHandler, handleNotFound } from './http/errors.ts'
import { consoleLog, requestLine, type Log } from './http/log.ts'
import { securityHeaders } from './http/security-headers.ts'
import { apiRoutes } from './routes/api.ts'
import { pageRoutes } from './routes/pages.ts'
import { tutorialRoutes } from './routes/tutorial.ts'

export const MAX_BODY_BYTES = 16 * 1024

/**
 * The `aud` of this app's session tokens. Another app that shares the secret and the cookie name (a
 * sibling on the same domain, an old deployment) makes tokens for its own audience, which this app refuses.
 */
export const SESSION_AUDIENCE = 'hono-jwt-session-demo'

export interface AppConfig {
  /** The session's options; its cookie's `secure` comes from `secureCookies`. */
  session: SessionOptions
  /** Whether every cookie the app sets (the session's and its own) is sent over HTTPS only. */
  secureCookies: boolean
  users: UserStore
  /** Whether the login page mentions the demo account. */
  demoHint?: boolean
  /** Where log lines go. Default: the console. */
  log?: Log
  /** The runtime's socket address of a request; each entry file passes its own. Without it, every client shares one login throttle. */
  socketAddress?: SocketAddress
  /** The reverse proxy's header that names the client (TRUSTED_PROXY_HEADER); its right-most entry is used. */
  trustedProxyHeader?: string
  /** Limits on login attempts; each field replaces the default's. */
  login?: Partial<LoginLimits>
}

/** The whole app as one Web-standard `fetch` handler; each runtime's entry file serves it. */
export function createApp(config: AppConfig) {
  const clock = config.session.clock ?? Date.now
  const now = () => new Date(clock())
  const log = config.log ?? consoleLog
  const guard = new LoginGuard({ ...defaultLoginLimits(), ...config.login }, clock, log)
  const sources = { trustedHeader: config.trustedProxyHeader, socketAddress: config.socketAddress }
  const addressOf = (c: Context) => addressKey(clientAddress(c, sources))
  const app = new Hono<AppEnv>()
  // First, so every response gets them, error pages included.
  app.use(securityHeaders({ https: config.secureCookies }))
  app.use(
    session<AppSession>({
      audience: SESSION_AUDIENCE,
      ...config.session,
      cookie: { ...config.session.cookie, secure: config.secureCookies },
      // One line per refused cookie: the reason and the request, never the token.
      onInvalid: (reason, c) => {
        log.warn(`Session cookie refused (${reason}): ${requestLine(c)}`)
        config.session.onInvalid?.(reason, c)
      },
    }),
  )
  app.use(refuseCrossSiteForms())
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `The request body is too large: the limit is ${MAX_BODY_BYTES / 1024} KB` })
      },
    }),
  )
  app.route('/test/session', tutorialRoutes)
  // "Log out on all devices" needs somewhere to record it for the other devices' requests to find.
  const everywhere = config.session.revocation !== undefined
  app.route('/api', apiRoutes({ users: config.users, now, everywhere }))
  app.route('/', pageRoutes({ users: config.users, demoHint: config.demoHint ?? false, now, secureCookies: config.secureCookies, guard, addressOf, everywhere }))
  app.notFound(handleNotFound)
  app.onError(errorHandler(log))
  return app
}

export type App = ReturnType<typeof createApp>
