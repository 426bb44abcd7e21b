import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { SessionStoreUnavailableError, SessionTooLargeError } from 'hono-jwt-session'
import type { AppEnv } from '../env.ts'
import { CartError } from '../shop/cart.ts'
import { errorPage } from '../views/pages.ts'
import { renderPage } from '../views/render.ts'
import { describeError, requestLine, type Log } from './log.ts'

const DEFAULT_MESSAGES: Partial<Record<ContentfulStatusCode, string>> = {
  400: 'Bad request',
  403: 'Forbidden: cross-site form posts are refused',
  404: 'Not found',
  413: 'The request body is too large',
}

function describe(error: Error): { status: ContentfulStatusCode; message: string; retryAfter?: number } {
  if (error instanceof SessionStoreUnavailableError) {
    return { status: 503, message: 'Your session cannot be checked right now: please try again shortly.', retryAfter: error.retryAfter }
  }
  if (error instanceof SessionTooLargeError) {
    return { status: 413, message: 'The session is too large to store: nothing was changed. Remove something from your cart and try again.' }
  }
  if (error instanceof CartError) return { status: error.status, message: error.message }
  if (error instanceof HTTPException) {
    return { status: error.status, message: error.message || DEFAULT_MESSAGES[error.status] || 'Request refused' }
  }
  return { status: 500, message: 'Internal Server Error' }
}

function respond(c: Context<AppEnv>, status: ContentfulStatusCode, message: string) {
  if (c.req.path.startsWith('/api/')) return c.json({ error: message }, status)
  if (c.req.path.startsWith('/test/')) return c.text(message, status)
  return renderPage(c, { title: message, content: errorPage(status, message), status })
}

/**
 * One place turns every error into a JSON error for /api, plain text for the tutorial routes, a page elsewhere.
 * Only our own bugs (500) are logged, as one escaped line and the stack's frames; never session contents.
 */
export function errorHandler(log: Log): ErrorHandler<AppEnv> {
  return (error, c) => {
    const { status, message, retryAfter } = describe(error)
    // The revocation store's outage is documented and answered with 503 (the client retries after
    // Retry-After); only our own bugs are logged as failures.
    if (status >= 500 && retryAfter === undefined) log.error(`${requestLine(c)} failed: ${describeError(error)}`)
    if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter))
    // A failed request sets no cookie the handler meant for success (the "logged out" flag of a logout
    // whose revocation could not be recorded, say); the session middleware adds its own afterwards.
    c.header('Set-Cookie', undefined)
    return respond(c, status, message)
  }
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) => respond(c, 404, 'Not found')
