// hono-sessions (iron seal in a cookie); it rewrites the cookie on every request by default.
import { Hono } from 'hono'
import { CookieStore, sessionMiddleware, type Session } from 'hono-sessions'
import { IDLE, SECRET, type Build } from './shared.ts'

type Data = { username: string }

const build: Build = () => {
  const app = new Hono<{ Variables: { session: Session<Data>; session_key_rotation: boolean } }>()
  app.use(
    sessionMiddleware({
      store: new CookieStore(),
      encryptionKey: SECRET,
      expireAfterSeconds: IDLE,
      autoExtendExpiration: true,
      sessionCookieName: 'session',
      cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
    }),
  )
  app.get('/test/session/set', (c) => {
    c.get('session').set('username', 'user')
    return c.text('Test')
  })
  app.get('/test/session/check', (c) => {
    const username = c.get('session').get('username')
    return c.text(username ? `Logged in as ${username}` : 'You are not logged in')
  })
  return app
}
export default build
