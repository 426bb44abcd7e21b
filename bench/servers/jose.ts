// A straightforward jose middleware: CryptoKey imported once, jwtVerify and SignJWT on every request,
// setCookie after the handler (as most hand-written Hono session middleware does).
import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { jwtVerify, SignJWT, type JWTPayload } from 'jose'
import { IDLE, SECRET, type Build } from './shared.ts'

type Env = { Variables: { session: JWTPayload & { username?: string; sid?: string } } }

const build: Build = async () => {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  const app = new Hono<Env>()
  app.use(async (c, next) => {
    let data: Env['Variables']['session'] = {}
    const token = getCookie(c, 'session')
    if (token) {
      try {
        data = (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload
      } catch {
        data = {}
      }
    }
    c.set('session', data)
    await next()
    const session = c.get('session')
    if (session.username === undefined) return
    const fresh = await new SignJWT({ username: session.username, sid: session.sid ?? crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${IDLE}s`)
      .sign(key)
    setCookie(c, 'session', fresh, { httpOnly: true, sameSite: 'Lax', path: '/' })
  })
  app.get('/test/session/set', (c) => {
    c.set('session', { ...c.get('session'), username: 'user' })
    return c.text('Test')
  })
  app.get('/test/session/check', (c) => {
    const { username } = c.get('session')
    return c.text(username ? `Logged in as ${username}` : 'You are not logged in')
  })
  return app
}
export default build
