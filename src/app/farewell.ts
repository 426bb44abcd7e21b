import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { FlashMessage } from 'hono-jwt-session'

// Logout must delete the session cookie and still say "logged out" on the next page, so the message
// cannot ride in the session, which no longer exists. It rides in a cookie of its own instead: a
// constant flag, nothing about the user, gone after one minute or once shown.
const COOKIE = 'logged_out'
const MESSAGE: FlashMessage = { category: 'info', message: 'You have been logged out.' }

export interface FarewellOptions {
  /** Send the flag with Secure, like the session cookie. */
  secure: boolean
}

/** Leaves the "logged out" message for the next page. */
export function sayFarewell(c: Context, { secure }: FarewellOptions): void {
  setCookie(c, COOKIE, '1', { path: '/', httpOnly: true, sameSite: 'Lax', secure, maxAge: 60 })
}

/** The "logged out" message if one is waiting, removing it so it is shown once. */
export function takeFarewell(c: Context): FlashMessage[] {
  if (getCookie(c, COOKIE) === undefined) return []
  deleteCookie(c, COOKIE, { path: '/' })
  return [MESSAGE]
}
