import type { Context, MiddlewareHandler } from 'hono'
import { readSessionCookie, serializeCookieDeletion, serializeSessionCookie } from './cookie.ts'
import { SessionTooLargeError } from './errors.ts'
import { lazyKeyring, type Keyring } from './keyring.ts'
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options.ts'
import { sendSessionCookie, varyOnCookie } from './response-headers.ts'
import { newSessionId, Session, sessionState, type SessionData, type SessionShape } from './session.ts'
import { MAX_COOKIE_BYTES, signSessionToken, TokenCache, verifySessionToken, type SessionClaims, type VerifyResult } from './token.ts'

/** The Hono environment the middleware provides: `c.var.session`. */
export type SessionEnv<T extends SessionShape<T> = SessionData> = {
  Variables: { session: Session<T> }
}

type Verified = Extract<VerifyResult, { ok: true }>

/**
 * Loads the visitor's session from its signed cookie before the handler runs, and after it
 * writes what is needed: a reissued token, a deletion, or nothing.
 *
 * Changes are saved with whatever response the handler returns, error statuses included. When the
 * handler throws, its changes are discarded and no cookie is sent: the browser keeps its previous one.
 *
 * Throws SessionConfigError at once for bad options.
 */
export function session<T extends SessionShape<T> = SessionData>(options: SessionOptions): MiddlewareHandler<SessionEnv<T>> {
  const config = resolveOptions(options)
  const keyring = lazyKeyring(config.secret, config.fallbackSecrets)
  const cache = config.tokenCacheSize > 0 ? new TokenCache(config.tokenCacheSize) : undefined

  return async function sessionMiddleware(c, next) {
    const keys = await keyring()
    // One instant for the whole request: the token's iat, and any start time regenerate() sets.
    const now = Math.floor(config.clock() / 1000)
    const token = readSessionCookie(c, config.cookie.name)
    let verified: Verified | undefined
    if (token !== undefined) {
      const result = await verifySessionToken(token, keys, {
        audience: config.cookie.name,
        now,
        idleTimeout: config.idleTimeout,
        absoluteTimeout: config.absoluteTimeout,
        clockTolerance: config.clockTolerance,
      }, cache)
      if (result.ok) verified = result
      else config.onInvalid?.(result.reason, c)
    }
    const claims = verified?.claims
    const current = new Session<T>(
      {
        data: claims?.data,
        id: claims?.sid ?? newSessionId(),
        start: claims?.start ?? now,
        permanent: claims?.permanent === true,
      },
      now,
    )
    c.set('session', current)

    await next()
    await save(c, current, { config, keys, cache, now, hadCookie: token !== undefined, verified })
  }
}

interface SaveContext {
  config: ResolvedOptions
  keys: Keyring
  cache: TokenCache | undefined
  /** When the request arrived, in seconds: the new token's iat. */
  now: number
  hadCookie: boolean
  verified: Verified | undefined
}

async function save<T extends SessionShape<T>>(c: Context, current: Session<T>, ctx: SaveContext): Promise<void> {
  const { config, keys, now, verified } = ctx
  const state = sessionState(current)

  if (c.error !== undefined) {
    if (state.accessed) varyOnCookie(c)
    return
  }
  if (state.size === 0) {
    // Deletes a cookie that was emptied, and one that was refused (expired, tampered), so it stops coming back.
    if (ctx.hadCookie) sendSessionCookie(c, serializeCookieDeletion(config.cookie))
    else if (state.accessed) varyOnCookie(c)
    return
  }
  const due =
    verified === undefined ||
    config.refreshEachRequest ||
    !verified.key.current ||
    now - verified.claims.iat >= config.idleTimeout / 2 ||
    state.changed()
  if (!due) {
    if (state.accessed) varyOnCookie(c)
    return
  }

  const claims: SessionClaims = {
    iat: now,
    exp: Math.min(now + config.idleTimeout, state.start + config.absoluteTimeout),
    aud: config.cookie.name,
    sid: state.id,
    start: state.start,
    ...(state.permanent ? { permanent: true as const } : {}),
    data: state.data(),
  }
  const token = await signSessionToken(claims, keys.signing, ctx.cache)
  // Chromium drops a cookie whose name + value exceed 4096 bytes without a word and keeps the old one.
  const size = config.cookie.name.length + token.length
  if (size > MAX_COOKIE_BYTES) throw new SessionTooLargeError(size, MAX_COOKIE_BYTES)
  const maxAge = state.permanent ? claims.exp - now : undefined
  sendSessionCookie(c, serializeSessionCookie(config.cookie, token, maxAge))
}
