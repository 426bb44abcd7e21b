// Micro-benchmarks (mitata) of each step of the session middleware, in process.
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { bench, group, run, summary } from 'mitata'
import { session, type SessionEnv } from '../src/session/index.ts'
import { lazyKeyring } from '../src/session/keyring.ts'
import { resolveOptions } from '../src/session/options.ts'
import { signSessionToken, verifySessionToken } from '../src/session/token.ts'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnop'
const smoke = process.argv.includes('--smoke')

const config = resolveOptions({ secret: SECRET })
const keys = await lazyKeyring(config.secret, config.fallbackSecrets)()
const now = Math.floor(Date.now() / 1000)
const claims = { iat: now, exp: now + 1800, aud: 'session', sid: 'AAAAAAAAAAAAAAAAAAAAAA', start: now, data: { username: 'user' } }
const token = await signSessionToken(claims, keys.signing)
const ctx = { audience: 'session', now, idleTimeout: 1800, absoluteTimeout: 43200, clockTolerance: 5 }
const cookieHeader = `theme=dark; _ga=GA1.2.3456789; session=${token}; lang=en`

const app = new Hono<SessionEnv>()
app.use(session({ secret: SECRET, cookie: { secure: false } }))
app.get('/check', (c) => c.text(c.var.session.has('username') ? 'Logged in as user' : 'You are not logged in'))
const bare = new Hono()
bare.get('/check', (c) => c.text('You are not logged in'))

summary(() => {
  group('steps', () => {
    bench('cookie parse (hono getCookie)', () => getCookie({ req: { raw: { headers: new Headers({ cookie: cookieHeader }) } } } as never, 'session'))
    bench('token verify', async () => verifySessionToken(token, keys, ctx))
    bench('token issue', async () => signSessionToken(claims, keys.signing))
  })
  group('whole request, in process', () => {
    bench('bare Hono route', async () => bare.request('/check', { headers: { cookie: cookieHeader } }))
    bench('session middleware: verify + reissue', async () => app.request('/check', { headers: { cookie: cookieHeader } }))
  })
})

await run(smoke ? { throw: true, colors: false, format: 'quiet' } : {})
