// The real demo app (createApp) with the demo user (user / password) and a TestClock, for tests of the
// shop's routes. Drive it with a StrictCookieJar; form() and json() build request bodies; login() posts the form.
import { createApp } from '../../src/app/app.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'
import { TestClock, type CookieJar } from 'hono-jwt-session/testing'
import { claimsOf } from './forge.ts'
import { SECRET } from './secrets.ts'

/** The real app with the demo user and an injected clock. */
export function shop() {
  const clock = new TestClock()
  const app = createApp({
    session: { secret: SECRET, cookie: { secure: false }, clock: clock.now },
    users: new MemoryUserStore([DEMO_USER]),
    demoHint: true,
  })
  return { app, clock }
}

export type Shop = ReturnType<typeof shop>['app']

export function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) }
}

export function json(method: string, body: unknown): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
}

export async function login(app: Shop, jar: CookieJar, password = 'password', username = 'user') {
  return jar.request(app, '/login', form({ username, password }))
}

/** The session's data as the cookie in the jar carries it. */
export function sessionData(jar: CookieJar): Record<string, unknown> | undefined {
  const token = jar.get('session')
  return token === undefined ? undefined : (claimsOf(token).data as Record<string, unknown>)
}
