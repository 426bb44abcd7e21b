import type { Context, MiddlewareHandler } from 'hono'
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

/**
 * Whether a browser says this request came from another site: Sec-Fetch-Site, or else an Origin other
 * than the app's. For state-changing requests that carry no body, which csrf() does not look at.
 */
export function isCrossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined) return site !== 'same-origin' && site !== 'none'
  const origin = c.req.header('origin')
  return origin !== undefined && origin !== new URL(c.req.url).origin
}
