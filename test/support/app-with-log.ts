// The real demo app (createApp) with the demo user, a TestClock and a log kept in memory, for the tests of
// what the app does at its edges (throttling, headers, what it logs). `overrides` replace any AppConfig field.
import { TestClock } from 'hono-jwt-session/testing'
import { createApp, type AppConfig } from '../../src/app/app.ts'
import { DEMO_USER, MemoryUserStore } from '../../src/app/auth/users.ts'

export const APP_SECRET = 'app-test-secret-0123456789-abcdefghijklm'

export function appWithLog(overrides: Partial<AppConfig> = {}) {
  const clock = new TestClock()
  const lines: string[] = []
  const config: AppConfig = {
    session: { secret: APP_SECRET, clock: clock.now },
    secureCookies: false,
    users: new MemoryUserStore([DEMO_USER]),
    demoHint: true,
    log: { warn: (line) => lines.push(line), error: (line) => lines.push(line) },
    ...overrides,
  }
  return { app: createApp(config), clock, lines, config }
}

export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields), headers }
}
