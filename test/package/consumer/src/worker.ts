// The Worker: the secret is a binding, so the session options come from the request's context
// (the options-factory form). GET /selftest runs the same checks as the other runtimes, in workerd.
import { Hono } from 'hono'
import { session, type SessionEnv } from 'hono-jwt-session'
import type { AppSession } from './app.ts'
import { CHECKS, runChecks } from './checks.ts'

export interface WorkerEnv {
  Bindings: { SESSION_SECRET: string }
}

const app = new Hono<WorkerEnv & SessionEnv<AppSession>>()

app.get('/selftest', async (c) => c.json({ passed: await runChecks(), expected: CHECKS }))

app.use(session<AppSession, WorkerEnv>((c) => ({ secret: c.env.SESSION_SECRET, cookie: { secure: false } })))

app.get('/', (c) => {
  const visits = c.var.session.get('visits', 0) + 1
  c.var.session.set('visits', visits)
  return c.text(`visits=${visits}`)
})

app.get('/me', (c) => c.json({ username: c.var.session.get('username') ?? null }))

export default app
