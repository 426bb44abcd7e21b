// A consumer of the installed package, written against the README's API only: nothing here knows
// how the library is built. The same routes serve every runtime the package check runs.
import { Hono } from 'hono'
import {
  getSession,
  session,
  SessionMissingError,
  SessionTooLargeError,
  type SessionEnv,
  type SessionOptions,
} from 'hono-jwt-session'

export interface AppSession {
  username?: string
  visits?: number
  cart?: { productId: string; quantity: number }[]
}

/** The app, with its session options passed in (a test passes a TestClock's clock). */
export function createApp(options: SessionOptions): Hono<SessionEnv<AppSession>> {
  const app = new Hono<SessionEnv<AppSession>>()

  // Registered before the middleware: the session() middleware never runs for it.
  app.get('/outside', (c) => c.text(`session ${getSession(c).id}`))

  app.use(session<AppSession>(options))

  app.get('/', (c) => {
    const visits = c.var.session.get('visits', 0) + 1
    c.var.session.set('visits', visits)
    return c.text(`visits=${visits}`)
  })

  app.get('/me', (c) => {
    const s = getSession(c)
    return c.json({ username: s.get('username') ?? null, id: s.id, isNew: s.isNew })
  })

  app.post('/login', (c) => {
    const username = c.req.query('name') ?? 'nobody'
    const s = c.var.session
    s.regenerate()
    s.set('username', username)
    s.flash(`Welcome, ${username}`, 'success')
    return c.redirect('/me', 303)
  })

  app.get('/messages', (c) => c.json(c.var.session.takeFlashes()))

  app.post('/cart', (c) => {
    c.var.session.setdefault('cart', []).push({ productId: 'p1', quantity: 1 })
    return c.json(c.var.session.get('cart', []))
  })

  app.post('/logout', (c) => {
    c.var.session.clear()
    return c.redirect('/', 303)
  })

  app.onError((err, c) => {
    if (err instanceof SessionTooLargeError) return err.getResponse()
    if (err instanceof SessionMissingError) return c.json({ error: err.name, code: err.code, message: err.message }, 500)
    return c.json({ error: 'internal' }, 500)
  })
  return app
}
