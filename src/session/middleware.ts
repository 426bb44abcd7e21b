import type { Context, Env, MiddlewareHandler } from 'hono'
import { SessionMissingError } from './errors.ts'
import { optionsFingerprint, resolveOptions, type SessionOptions } from './options.ts'
import { Session, type SessionData, type SessionShape } from './session.ts'
import { SessionInterface } from './session-interface.ts'

/** The Hono environment the middleware provides: `c.var.session`. */
export type SessionEnv<T extends SessionShape<T> = SessionData> = {
  Variables: { session: Session<T> }
}

/**
 * Options computed from the request's context, for runtimes whose configuration arrives with each
 * request (Cloudflare Workers' `c.env`). Called on every request; the middleware is set up once per
 * distinct result, with the same checks and errors as static options.
 */
export type SessionOptionsFactory<E extends Env = Env> = (c: Context<E>) => SessionOptions

/** Configurations kept at once by a factory-configured middleware; more than this is a factory bug. */
const MAX_CONFIGURATIONS = 8

function interfaces<E extends Env>(options: SessionOptions | SessionOptionsFactory<E>): (c: Context<E>) => SessionInterface {
  if (typeof options !== 'function') {
    const single = new SessionInterface(resolveOptions(options))
    return () => single
  }
  const byFingerprint = new Map<string, SessionInterface>()
  return (c) => {
    // Fingerprinted every time, never recognised by identity: a factory may fill in and return one
    // shared object, and then the same object means a different configuration.
    const current = options(c)
    const fingerprint = optionsFingerprint(current)
    let built = byFingerprint.get(fingerprint)
    if (built === undefined) {
      built = new SessionInterface(resolveOptions(current))
      if (byFingerprint.size === MAX_CONFIGURATIONS) byFingerprint.delete(byFingerprint.keys().next().value ?? '')
      byFingerprint.set(fingerprint, built)
    }
    return built
  }
}

/**
 * Loads the visitor's session from its cookie before the handler runs (`c.var.session`, or
 * `getSession(c)`), and after it writes what is needed: a reissued token, a deletion, or nothing.
 *
 * Changes are saved with whatever response the handler returns, error statuses included. When the
 * handler throws, its changes are discarded and the browser keeps its previous cookie; only a refused
 * one is deleted, so it stops coming back.
 *
 * Throws SessionConfigError at once for bad options; options from a factory are checked on the first
 * request that produces them.
 *
 * @example
 * ```ts
 * const app = new Hono<SessionEnv<{ username?: string }>>()
 * app.use(session({ secret: process.env.SESSION_SECRET }))
 * app.get('/', (c) => c.text(`Hello ${c.var.session.get('username') ?? 'stranger'}`))
 * ```
 */
export function session<T extends SessionShape<T> = SessionData, E extends Env = Env>(
  options: SessionOptions | SessionOptionsFactory<E & SessionEnv<T>>,
): MiddlewareHandler<E & SessionEnv<T>> {
  const interfaceFor = interfaces(options)
  return async function sessionMiddleware(c, next) {
    const sessions = interfaceFor(c)
    const opened = await sessions.open<T>(c)
    c.set('session', opened.session)
    await next()
    await sessions.save(c, opened)
  }
}

/**
 * The request's session, like `c.var.session`, but a route the middleware does not cover gets a
 * SessionMissingError that says so, instead of a TypeError from `undefined`.
 */
export function getSession<T extends SessionShape<T> = SessionData, E extends Env = Env>(c: Context<E & SessionEnv<T>>): Session<T> {
  // Typed as always there; at run time it is absent on a route the middleware does not cover.
  const current: Session<T> | undefined = c.get('session')
  if (current === undefined) throw new SessionMissingError(`${c.req.method} ${c.req.path}`)
  return current
}
