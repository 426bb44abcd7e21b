import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { STYLE } from '../views/layout.ts'

/** The CSP source that allows exactly the pages' one inline style sheet: its SHA-256. */
export async function styleHashSource(): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STYLE))
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`
}

/**
 * Hono's secureHeaders() with a Content-Security-Policy that fits the pages: nothing may load but the
 * one inline style sheet, allowed by its hash (so every page stays the same bytes for everyone); no
 * script at all; forms post only to this site; no site may frame a page. The API's JSON and the
 * tutorial's text get the same headers, which cost them nothing. The hash is computed once, on the first request.
 */
export function securityHeaders({ https }: { https: boolean }): MiddlewareHandler {
  let built: Promise<MiddlewareHandler> | undefined
  const build = async () =>
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: [await styleHashSource()],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: 'DENY',
      // Not Hono's default no-referrer: with it, browsers send `Origin: null` on the site's own form
      // posts, and a browser without Sec-Fetch-Site would then be refused by the cross-site check.
      referrerPolicy: 'same-origin',
      // Only where the cookie is Secure (production, HTTPS). No includeSubDomains: that is a decision
      // for the whole domain, not for one app on it.
      strictTransportSecurity: https ? 'max-age=15552000' : false,
    })
  return async (c, next) => (await (built ??= build()))(c, next)
}
