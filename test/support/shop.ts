// The real demo app (createApp) with the demo user (user / password) and a TestClock, for tests of the
// shop's routes. Drive it with a StrictCookieJar; form() and json() build request bodies. login() posts the
// form (for tests of logging in); loggedIn(options) is the session a login leaves (for tests of what follows).
import { MemoryRevocationStore, type SessionOptions } from 'hono-jwt-session'
import { sessionCookie, TestClock, type CookieJar } from 'hono-jwt-session/testing'
import { createApp, SESSION_AUDIENCE } from '../../src/app/app.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'
import type { AppSession } from '../../src/app/env.ts'
import { claimsOf } from './forge.ts'
import { SECRET } from './secrets.ts'

/** The real app with the demo user and an injected clock; `options` are its exact session options. */
export function shop() {
  const clock = new TestClock()
  // As loadConfig() sets the app up by default: revocations in this process.
  const options: SessionOptions = {
    secret: SECRET,
    cookie: { secure: false },
    audience: SESSION_AUDIENCE,
    clock: clock.now,
    revocation: { store: new MemoryRevocationStore() },
  }
  const app = createApp({ session: options, secureCookies: false, users: new MemoryUserStore([DEMO_USER]), demoHint: true })
  return { app, clock, options }
}

export type Shop = ReturnType<typeof shop>['app']

export function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) }
}

export function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
}

/** Posts the login form, as a visitor would. */
export async function login(app: Shop, jar: CookieJar, password = 'password', username = 'user') {
  return jar.request(app, '/login', form({ username, password }))
}

/** A session cookie for the demo user, logged in as the login form leaves it, holding `data` besides. */
export async function loggedIn(options: SessionOptions, data: AppSession = {}): Promise<string> {
  return sessionCookie<AppSession>(options, { ...data, username: DEMO_USER.name }, { subject: DEMO_USER.id })
}

/** The session's data as the cookie in the jar carries it. */
export function sessionData(jar: CookieJar): Record<string, unknown> | undefined {
  const token = jar.get('session')
  return token === undefined ? undefined : (claimsOf(token).data as Record<string, unknown>)
}
