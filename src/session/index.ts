/**
 * Flask's `session` for Hono: each visitor's session lives in one cookie as a signed JWT, made and
 * checked with jose. The middleware verifies it on every request and reissues it with a fresh expiry;
 * handlers use it like a dictionary. Web APIs only: Bun, Node, Deno and Cloudflare Workers.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { session, type SessionEnv } from 'hono-jwt-session'
 *
 * interface AppSession { username?: string; visits?: number }
 *
 * const app = new Hono<SessionEnv<AppSession>>()
 * app.use(session<AppSession>({ secret: process.env.SESSION_SECRET! }))
 *
 * app.get('/', (c) => {
 *   const visits = c.var.session.get('visits', 0) + 1
 *   c.var.session.set('visits', visits)
 *   return c.text(`Visit number ${visits}`)
 * })
 * ```
 *
 * @module
 */
export { getSession, session, type SessionEnv, type SessionOptionsFactory } from './middleware.ts'
export {
  Session,
  type SessionData,
  type SessionShape,
  type SessionKeyOf,
  type SessionValueOf,
  type RegenerateOptions,
  type ClearOptions,
} from './session.ts'
export type { SessionOptions, Secret } from './options.ts'
export type { RevocationOptions } from './revocation/checker.ts'
export type { RevocationStore, RevocationQuery, RevocationStatus, SessionRevocation, SubjectRevocation } from './revocation/store.ts'
export { MemoryRevocationStore } from './revocation/memory.ts'
export { generateSecret } from './secret.ts'
export { MAX_COOKIE_BYTES, type SessionCookieOptions, type SameSite } from './cookie.ts'
export {
  SessionConfigError,
  SessionMissingError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionValueError,
  type InvalidSessionReason,
} from './errors.ts'
export type { JsonValue, JsonObject, JsonPrimitive, JsonCompatible } from './json.ts'
export type { SessionClaims } from './token/claims.ts'
export { TOKEN_TYPE } from './token/jws.ts'
export { FLASH_KEY, type FlashData, type FlashMessage, type FlashCategory } from './flash.ts'
