import { HTTPException } from 'hono/http-exception'

/** Why a session cookie was refused. The cookie's contents are never part of it. */
export type InvalidSessionReason =
  /**
   * Not a compact JWS or JWE, bad base64url or JSON, compressed, a spelling other than the one issued
   * (quoted, percent-encoded, other trailing bits), or longer than any cookie we issue.
   */
  | 'malformed'
  /** Signed with an algorithm other than HS256 (`alg: none` included), or encrypted other than dir + A256GCM. */
  | 'unsupported-algorithm'
  /** No `kid`, or a `kid` naming none of the configured secrets. */
  | 'unknown-key'
  /** The signature does not match the key its `kid` names. */
  | 'bad-signature'
  /** An encrypted token that does not decrypt and authenticate with the key its `kid` names. */
  | 'decryption-failed'
  /** A JWT made for something else: its `typ` is not `session+jwt`. */
  | 'wrong-type'
  /** A session token for another audience: another app, or another cookie name (`aud`). */
  | 'wrong-audience'
  /** A required claim is missing or has the wrong type. */
  | 'invalid-claims'
  /** Past `exp`, the idle timeout or the absolute timeout. */
  | 'expired'
  /** Issued or started in the future, beyond the clock tolerance. */
  | 'not-yet-valid'
  /** With the `revocation` option: the session was ended by a logout, or by "log out everywhere" for its subject. */
  | 'revoked'
  /**
   * With the `revocation` option: the revocation store lost its data (a restart without persistence, a
   * flush) since this session was last checked, so a revocation may have been lost with it.
   */
  | 'store-reset'

/** The response of an error about the visitor's session depends on the cookie, and is theirs alone. */
const PERSONAL = { 'Content-Type': 'text/plain; charset=UTF-8', Vary: 'Cookie', 'Cache-Control': 'private' }

/** A mistake in the options given to `session()`; thrown when the middleware is built. */
export class SessionConfigError extends Error {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SESSION_CONFIG'
  /** The class's name, also on instances that cross realms. */
  override name = 'SessionConfigError'
  /** Thrown by `session()`: `option` names the option at fault, and the message says what is wrong. */
  constructor(
    /** The option at fault, e.g. `secret` or `cookie.sameSite`. */
    readonly option: string,
    message: string,
  ) {
    super(`session(): option "${option}" ${message}`)
  }
}

/** A value that JSON cannot carry unchanged was put into the session. */
export class SessionValueError extends TypeError {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SESSION_VALUE'
  /** The class's name, also on instances that cross realms. */
  override name = 'SessionValueError'
  /** Thrown by `set()` and by the middleware when it saves a value changed in place into something else. */
  constructor(
    /** Where the bad value sits, e.g. `cart[2].price`. */
    readonly path: string,
    problem: string,
  ) {
    super(`session value at ${path} ${problem}; session values must be JSON values`)
  }
}

/**
 * The session no longer fits in one cookie. Nothing is sent, so the browser keeps its previous,
 * still valid cookie. It is an HTTPException: Hono's default error handler answers 413 with it.
 */
export class SessionTooLargeError extends HTTPException {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SESSION_TOO_LARGE'
  /** The class's name, also on instances that cross realms. */
  override name = 'SessionTooLargeError'
  /** Thrown by the middleware when it saves, before anything is sent. */
  constructor(
    /** Bytes of cookie name + value that would have been sent. */
    readonly size: number,
    readonly limit: number,
  ) {
    const message = `The session is too large to store: its cookie would take ${size} bytes, over the limit of ${limit}.`
    super(413, { message, res: new Response(message, { status: 413, headers: PERSONAL }) })
  }
}

/**
 * The revocation store did not answer in time and this session was not checked recently enough to be
 * served without it. Nothing is changed; the client should retry after `retryAfter` seconds. It is an
 * HTTPException: Hono's default error handler answers 503 with a `Retry-After` header.
 */
export class SessionStoreUnavailableError extends HTTPException {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SESSION_STORE_UNAVAILABLE'
  /** The class's name, also on instances that cross realms. */
  override name = 'SessionStoreUnavailableError'
  /** Thrown by the middleware; `retryAfter` also goes into the response's Retry-After header. */
  constructor(
    /** Seconds until the store is tried again. */
    readonly retryAfter: number,
    options: { cause?: unknown } = {},
  ) {
    super(503, {
      message: 'The session cannot be checked right now; try again shortly.',
      res: new Response('The session cannot be checked right now; try again shortly.', {
        status: 503,
        headers: { ...PERSONAL, 'Retry-After': String(retryAfter) },
      }),
      cause: options.cause,
    })
  }
}

/**
 * The session was asked for where the `session()` middleware did not run: it is registered after the
 * route, or on a path that does not cover it. A bug in the app, so it surfaces as a 500.
 */
export class SessionMissingError extends Error {
  /** A stable code to test for, whatever the message says. */
  readonly code = 'ERR_SESSION_MISSING'
  /** The class's name, also on instances that cross realms. */
  override name = 'SessionMissingError'
  /** Thrown by `getSession(c)`. */
  constructor(
    /** The request, e.g. `GET /admin`. */
    readonly route: string,
  ) {
    super(
      `No session for ${route}: the session() middleware from hono-jwt-session did not run for this route. ` +
        'Register it with app.use(session(...)) before the routes, on a path that covers this one.',
    )
  }
}
