import type { MiddlewareHandler } from 'hono'
import { csrf } from 'hono/csrf'

/**
 * Refuses cross-site form posts with 403 (Hono's csrf(): Sec-Fetch-Site or Origin must say same-origin).
 * A request with neither header did not come from a browser, so it cannot be a forged cross-site
 * request; it is let through, as Go's CrossOriginProtection does, so curl and API clients work.
 */
export function refuseCrossSiteForms(): MiddlewareHandler {
  const guard = csrf()
  return (c, next) => {
    if (c.req.header('origin') === undefined && c.req.header('sec-fetch-site') === undefined) return next()
    return guard(c, next)
  }
}
