import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'

/** The Flask tutorial's session routes, answering exactly as they do there. */
export const tutorialRoutes = new Hono<AppEnv>()
  .get('/set', (c) => {
    c.var.session.set('username', 'user')
    return c.text('Test')
  })
  .get('/check', (c) => {
    const username = c.var.session.get('username')
    return c.text(username === undefined ? 'You are not logged in' : `Logged in as ${username}`)
  })
  .get('/pop', (c) => {
    c.var.session.pop('username')
    return c.text('Test')
  })
