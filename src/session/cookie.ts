import type { Context } from 'hono'
import { generateCookie, getCookie } from 'hono/cookie'
import type { ResolvedCookie } from './options.ts'

/** The first cookie of that name: browsers send the one with the most specific Path first. */
export function readSessionCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name)
}

function attributes(cookie: ResolvedCookie) {
  return {
    path: cookie.path,
    domain: cookie.domain,
    httpOnly: cookie.httpOnly,
    secure: cookie.secure,
    sameSite: cookie.sameSite,
  }
}

/** A Set-Cookie value; `maxAge` undefined makes a browser-session cookie. */
export function serializeSessionCookie(cookie: ResolvedCookie, token: string, maxAge: number | undefined): string {
  return generateCookie(cookie.name, token, { ...attributes(cookie), maxAge })
}

/** Expires the cookie with the same name, Path and Domain it was set with, or the browser would keep it. */
export function serializeCookieDeletion(cookie: ResolvedCookie): string {
  return generateCookie(cookie.name, '', { ...attributes(cookie), maxAge: 0, expires: new Date(0) })
}
