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

// A stream of distinct sessions for the miss path: each request sends a token the cache has not seen
// for the last MISSES − 1 requests. Every request remembers at least one token (the one verified, and
// the one reissued), so a cache of 5,000 has forgotten a token before it comes round again; checked below.
const MISSES = 10_000
const sid = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
const missCookies = await Promise.all(
  Array.from({ length: MISSES }, async () => `theme=dark; _ga=GA1.2.3456789; session=${await issueSessionToken({ ...claims, sid: sid() }, keys, 'signed', undefined)}; lang=en`),
)
// One position in the stream per app: the check after the run carries on where the cached app stopped
// (a shared position could bring it back to tokens the cached app saw last, which it still holds).
const position = { cached: 0, uncached: 0 }
const missCookie = (app: keyof typeof position) => missCookies[position[app]++ % MISSES]!
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
    // "A cache miss costs no more than having no cache" (issue #13): the same stream of new tokens, with and without the cache.
    bench('session middleware, token cache on, every token new (a miss each time)', () => cached.request('/check', { headers: { cookie: missCookie('cached') } }))
    bench('session middleware, token cache off, every token new', () => uncached.request('/check', { headers: { cookie: missCookie('uncached') } }))
  })
})

await run(smoke ? { throw: true, colors: false, format: 'quiet' } : {})

// The miss row measured misses: the same stream, carried on, is verified in full on every request
// (counted at crypto.subtle.verify, after the measurements so the counter costs them nothing).
const subtle = crypto.subtle as unknown as { verify: (...args: unknown[]) => Promise<boolean> }
const verify = subtle.verify
let verifies = 0
subtle.verify = (...args: unknown[]) => {
  verifies++
  return verify.apply(crypto.subtle, args)
}
const checked = 2_000
for (let i = 0; i < checked; i++) {
  const res = await cached.request('/check', { headers: { cookie: missCookie('cached') } })
  if ((await res.text()) !== 'Logged in as user') throw new Error('a token of the miss stream was refused')
}
subtle.verify = verify
if (verifies !== checked) throw new Error(`cache on, every token new: ${checked - verifies} of ${checked} requests were cache hits, not misses`)
console.log(`cache on, every token new: ${verifies} of ${checked} requests verified in full (every one a miss)`)
