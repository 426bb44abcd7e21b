// iron-session 9 (iron seal), saved after every request so the cookie is reissued each time.
import { Hono } from 'hono'
import { getIronSession, webCookies, type IronSession } from 'iron-session'
import { IDLE, SECRET, type Build } from './shared.ts'

type Data = { username?: string }

const build: Build = () => {
  const app = new Hono<{ Variables: { session: IronSession<Data> } }>()
  app.use(async (c, next) => {
    const headers = new Headers()
    const session = await getIronSession<Data>(webCookies(c.req.raw, headers), {
      password: SECRET,
      cookieName: 'session',
      ttl: IDLE,
      cookieOptions: { secure: false, httpOnly: true, sameSite: 'lax', path: '/' },
    })
    c.set('session', session)
    await next()
    if (session.username !== undefined) await session.save()
    for (const cookie of headers.getSetCookie()) c.header('Set-Cookie', cookie, { append: true })
  })
  app.get('/test/session/set', (c) => {
    c.var.session.username = 'user'
    return c.text('Test')
  })
  app.get('/test/session/check', (c) => {
    const { username } = c.var.session
    return c.text(username ? `Logged in as ${username}` : 'You are not logged in')
  })
  return app
}
export default build
