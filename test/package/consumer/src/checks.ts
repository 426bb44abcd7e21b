// What every runtime must show, exercised with app.request() and the package's testing helpers.
// Throws on the first failure; returns the names of the checks that passed.
import { CookieJar, TestClock, sessionCookie } from 'hono-jwt-session/testing'
import type { SessionOptions } from 'hono-jwt-session'
import { createApp } from './app.ts'

const SECRET = 'a consumer test secret of at least 32 bytes'

function check(condition: boolean, what: string, detail: unknown): void {
  if (!condition) throw new Error(`${what}: ${JSON.stringify(detail)}`)
}

interface Me {
  username: string | null
  id: string
  isNew: boolean
}

/** The checks' names, in order: each runtime must report exactly these. */
export const CHECKS = [
  'cookie set',
  'cookie read back',
  'tampered cookie is anonymous',
  'login regenerates and keeps data',
  'flash shown once',
  'in-place change saved',
  'logout deletes the cookie',
  'missing middleware answers SessionMissingError',
  'sessionCookie logs in in one line',
  'TestClock ends an idle session',
] as const

export async function runChecks(): Promise<string[]> {
  const passed: string[] = []
  const clock = new TestClock()
  const options: SessionOptions = { secret: SECRET, cookie: { secure: false }, idleTimeout: 60, clock: clock.now }
  const app = createApp(options)
  const jar = new CookieJar()

  let res = await jar.request(app, '/')
  const setCookie = res.headers.get('Set-Cookie') ?? ''
  check(res.status === 200 && (await res.text()) === 'visits=1', 'first visit', res.status)
  check(/^session=[\w-]+\.[\w-]+\.[\w-]+; /.test(setCookie), 'Set-Cookie', setCookie)
  check(/HttpOnly/i.test(setCookie) && /SameSite=Lax/i.test(setCookie) && !/Secure/i.test(setCookie), 'cookie attributes', setCookie)
  passed.push(CHECKS[0])

  res = await jar.request(app, '/')
  check((await res.text()) === 'visits=2', 'second visit counts from the cookie', jar.header())
  passed.push(CHECKS[1])

  const token = jar.get('session') ?? ''
  const at = token.lastIndexOf('.') + 10
  const tampered = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)
  res = await app.request('/', { headers: { Cookie: `session=${tampered}` } })
  check((await res.text()) === 'visits=1', 'a tampered cookie starts a new session', tampered)
  passed.push(CHECKS[2])

  const before = (await (await jar.request(app, '/me')).json()) as Me
  res = await jar.request(app, '/login?name=ada', { method: 'POST' })
  check(res.status === 303, 'login redirects', res.status)
  const after = (await (await jar.request(app, '/me')).json()) as Me
  check(after.username === 'ada' && after.id !== before.id && !after.isNew, 'login regenerates the id', { before, after })
  check((await (await jar.request(app, '/')).text()) === 'visits=3', 'data survives login', jar.header())
  passed.push(CHECKS[3])

  const messages = await (await jar.request(app, '/messages')).json()
  check(JSON.stringify(messages) === '[{"category":"success","message":"Welcome, ada"}]', 'flash', messages)
  check(JSON.stringify(await (await jar.request(app, '/messages')).json()) === '[]', 'flash shown once', null)
  passed.push(CHECKS[4])

  await jar.request(app, '/cart', { method: 'POST' })
  const cart = await (await jar.request(app, '/cart', { method: 'POST' })).json()
  check(Array.isArray(cart) && cart.length === 2, 'cart.push() in place is saved', cart)
  passed.push(CHECKS[5])

  res = await jar.request(app, '/logout', { method: 'POST' })
  check(/Max-Age=0/i.test(res.headers.get('Set-Cookie') ?? '') && jar.get('session') === undefined, 'logout', res.headers.get('Set-Cookie'))
  passed.push(CHECKS[6])

  res = await app.request('/outside')
  const missing = (await res.json()) as { error: string; code: string; message: string }
  check(res.status === 500 && missing.error === 'SessionMissingError' && missing.code === 'ERR_SESSION_MISSING', 'SessionMissingError', missing)
  check(missing.message.includes('GET /outside') && missing.message.includes('session()'), 'the error names the route and the middleware', missing.message)
  passed.push(CHECKS[7])

  const grace = new CookieJar().set(await sessionCookie(options, { username: 'grace', visits: 41 }))
  const me = (await (await grace.request(app, '/me')).json()) as Me
  check(me.username === 'grace' && !me.isNew, 'sessionCookie()', me)
  check((await (await grace.request(app, '/')).text()) === 'visits=42', 'sessionCookie() data', null)
  passed.push(CHECKS[8])

  clock.advance(61)
  const idle = (await (await grace.request(app, '/me')).json()) as Me
  check(idle.username === null && idle.isNew, 'past the idle timeout the session is gone', idle)
  passed.push(CHECKS[9])

  return passed
}
