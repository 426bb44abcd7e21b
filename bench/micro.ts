// Micro-benchmarks (mitata) of each step of the session middleware, in process: latency per call,
// one at a time (an awaited WebCrypto call alone pays a thread hop; the HTTP bench measures CPU under load).
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import { bench, group, run, summary } from 'mitata'
import { session, type SessionEnv } from 'hono-jwt-session'
import { lazyKeyring } from '../src/session/keyring.ts'
import { resolveOptions } from '../src/session/options.ts'
import { TokenCache } from '../src/session/token/cache.ts'
import { issueSessionToken, verifySessionToken } from '../src/session/token/session-token.ts'

const SECRET = 'bench-secret-0123456789-abcdefghijklmnop'
const smoke = process.argv.includes('--smoke')

const config = resolveOptions({ secret: SECRET })
const keys = await lazyKeyring(config.secret, config.fallbackSecrets)()
const now = Math.floor(Date.now() / 1000)
const claims = { iat: now, exp: now + 1800, aud: 'session', sid: 'AAAAAAAAAAAAAAAAAAAAAA', start: now, data: { username: 'user' } }
const cache = new TokenCache(5000)
const token = await issueSessionToken(claims, keys, 'signed', cache)
const encrypted = await issueSessionToken(claims, keys, 'encrypted', cache)
const ctx = { audience: 'session', now, idleTimeout: 1800, absoluteTimeout: 43200, clockTolerance: 5 }
const cookieHeader = `theme=dark; _ga=GA1.2.3456789; session=${token}; lang=en`
const context = { req: { raw: { headers: new Headers({ cookie: cookieHeader }) } } } as never

function appWith(tokenCacheSize: number) {
  const app = new Hono<SessionEnv>()
  app.use(session({ secret: SECRET, cookie: { secure: false }, tokenCacheSize }))
  app.get('/check', (c) => c.text(c.var.session.has('username') ? 'Logged in as user' : 'You are not logged in'))
  return app
}
const cached = appWith(5000)
const uncached = appWith(0)
const bare = new Hono()
bare.get('/check', (c) => c.text('You are not logged in'))

summary(() => {
  group('steps', () => {
    bench('cookie parse (one name from a 4-cookie header)', () => getCookie(context, 'session'))
    bench('token verify, in full (jose + HMAC)', () => verifySessionToken(token, keys, ctx, undefined))
    bench('token verify, cache hit (claims checked)', () => verifySessionToken(token, keys, ctx, cache))
    bench('token issue, in full (jose + HMAC)', () => issueSessionToken(claims, keys, 'signed', undefined))
    bench('token issue, cache hit (same payload this second)', () => issueSessionToken(claims, keys, 'signed', cache))
    bench('encrypted token open, in full (jose + AES-GCM)', () => verifySessionToken(encrypted, keys, ctx, undefined))
    bench('encrypted token issue, in full (jose + AES-GCM)', () => issueSessionToken(claims, keys, 'encrypted', undefined))
  })
  group('whole request, in process (app.request)', () => {
    bench('bare Hono route', () => bare.request('/check', { headers: { cookie: cookieHeader } }))
    bench('session middleware, token cache on', () => cached.request('/check', { headers: { cookie: cookieHeader } }))
    bench('session middleware, token cache off', () => uncached.request('/check', { headers: { cookie: cookieHeader } }))
  })
})

await run(smoke ? { throw: true, colors: false, format: 'quiet' } : {})
