// This project, configured exactly as the demo app configures its session (loadConfig reads the
// variant's environment, so SESSION_ENCRYPT or SESSION_REVOCATION is benchmarked by adding one variant
// entry), mounted on a Hono app with only the tutorial's routes: the same shape as every peer's and the
// jose baseline's app, so a row's cost is the session's. BENCH_APP=demo serves the whole demo instead
// (security headers, CSRF check, body limit, logging), to show what those add. Revocations in Redis need
// a client the entry file makes: ours-redis.ts.
import { Hono } from 'hono'
import { session } from 'hono-jwt-session'
import { createApp, SESSION_AUDIENCE } from '../../src/app/app.ts'
import { loadConfig, VARIABLES, type LoadOptions, type ServerConfig } from '../../src/app/config.ts'
import type { AppEnv, AppSession } from '../../src/app/env.ts'
import { tutorialRoutes } from '../../src/app/routes/tutorial.ts'
import { SECRET, type BenchEnv, type Build, type Fetchable } from './shared.ts'

/** Bench-only setting: the session's tokenCacheSize, which the app has no variable for. */
export const TOKEN_CACHE_SIZE = 'BENCH_TOKEN_CACHE_SIZE'
/** Bench-only setting: `demo` serves the whole demo app rather than the session and the tutorial's routes. */
export const APP = 'BENCH_APP'

/** The app built from the variant's environment, with what an entry file would pass (a shared store). */
export function buildApp(variantEnv: BenchEnv, options: LoadOptions = {}): { app: Fetchable; config: ServerConfig } {
  // A variable the app does not read would silently benchmark the default app under another name.
  const known = new Set<string>(VARIABLES)
  const unknown = Object.keys(variantEnv).filter((name) => !name.startsWith('BENCH_') && !known.has(name))
  if (unknown.length > 0) throw new Error(`the app does not read ${unknown.join(', ')} (src/app/config.ts VARIABLES): this variant cannot run yet`)
  const shape = variantEnv[APP] ?? 'session'
  if (shape !== 'session' && shape !== 'demo') throw new Error(`${APP} must be "session" or "demo", not "${shape}"`)

  const env = { NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_COOKIE_SECURE: 'false', ...variantEnv }
  const config = loadConfig(env, options)
  const cacheSize = variantEnv[TOKEN_CACHE_SIZE]
  const sessionOptions = cacheSize === undefined ? config.session : { ...config.session, tokenCacheSize: Number(cacheSize) }
  if (shape === 'demo') return { config, app: createApp({ ...config, session: sessionOptions }) }

  // The session exactly as createApp configures it, minus the log line per refused cookie (none here).
  const app = new Hono<AppEnv>()
  app.use(session<AppSession>({ audience: SESSION_AUDIENCE, ...sessionOptions, cookie: { ...sessionOptions.cookie, secure: config.secureCookies } }))
  app.route('/test/session', tutorialRoutes)
  return { config, app }
}

const build: Build = (variantEnv: BenchEnv) => {
  // The app reads REDIS_URL only through a store its entry file makes; here it would be ignored.
  if (variantEnv.REDIS_URL !== undefined) throw new Error('REDIS_URL needs a Redis client: use ours-redis.ts')
  return buildApp(variantEnv).app
}
export default build
