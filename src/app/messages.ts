import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { FlashMessage } from 'hono-jwt-session'
import type { AppEnv } from './env.ts'

// One-time messages for the next page. Most ride in the session as flash messages. Logout's cannot:
// the session cookie is deleted, so "logged out" rides in a cookie of its own, a constant flag with
// nothing about the user, gone after one minute or once shown.
const FAREWELL_COOKIE = 'logged_out'
const FAREWELL: FlashMessage = { category: 'info', message: 'You have been logged out.' }

/** Leaves the "logged out" message for the next page; `secure` as every cookie the app sets. */
export function sayFarewell(c: Context, secure: boolean): void {
  setCookie(c, FAREWELL_COOKIE, '1', { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: 60 })
}

/** The messages waiting for this page, removed so each is shown once. */
export function takeMessages(c: Context<AppEnv>): FlashMessage[] {
  const messages = c.var.session.takeFlashes()
  if (getCookie(c, FAREWELL_COOKIE) === undefined) return messages
  deleteCookie(c, FAREWELL_COOKIE, { path: '/' })
  return [FAREWELL, ...messages]
}
