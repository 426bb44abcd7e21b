// @hono/session (JWE), made to reissue on every request by updating the session in the check route.
import { useSession, type SessionEnv } from '@hono/session'
import { Hono } from 'hono'
import { IDLE, type Build } from './shared.ts'

type Data = { username?: string }

const build: Build = () => {
  const app = new Hono<SessionEnv<Data>>()
  app.use(useSession<Data>({ secret: 'ab'.repeat(32), duration: { absolute: 43200, inactivity: IDLE } }))
  app.get('/test/session/set', async (c) => {
    await c.var.session.update({ username: 'user' })
    return c.text('Test')
  })
  app.get('/test/session/check', async (c) => {
    await c.var.session.update((data) => data ?? {})
    const username = c.var.session.data?.username
    return c.text(username ? `Logged in as ${username}` : 'You are not logged in')
  })
  return app
}
export default build
