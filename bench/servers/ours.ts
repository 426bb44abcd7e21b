// This project: the real app, configured as in production but over plain HTTP. The variant's
// environment (bench/variants.ts) is added to the app's, so a new setting (SESSION_ENCRYPT,
// SESSION_REVOCATION) is benchmarked by adding one variant entry. Revocations in Redis need a client
// the entry file makes: ours-redis.ts.
import { createApp } from '../../src/app/app.ts'
import { boot } from '../../src/app/boot.ts'
import { loadConfig, VARIABLES, type LoadOptions, type ServerConfig } from '../../src/app/config.ts'
import { SECRET, type BenchEnv, type Build, type Fetchable } from './shared.ts'

/** Bench-only setting: the session's tokenCacheSize, which the app has no variable for. */
export const TOKEN_CACHE_SIZE = 'BENCH_TOKEN_CACHE_SIZE'

/** The app built from the variant's environment, with what an entry file would pass (a shared store). */
export function buildApp(variantEnv: BenchEnv, options: LoadOptions = {}): { app: Fetchable; config: ServerConfig } {
  // A variable the app does not read would silently benchmark the default app under another name.
  const known = new Set<string>(VARIABLES)
  const unknown = Object.keys(variantEnv).filter((name) => !name.startsWith('BENCH_') && !known.has(name))
  if (unknown.length > 0) throw new Error(`the app does not read ${unknown.join(', ')} (src/app/config.ts VARIABLES): this variant cannot run yet`)
  const env = { NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_COOKIE_SECURE: 'false', ...variantEnv }

  const cacheSize = variantEnv[TOKEN_CACHE_SIZE]
  if (cacheSize === undefined) {
    const booted = boot(env, options)
    if (!booted.ok) throw new Error(booted.message)
    return booted
  }
  // What boot() does, with the one session option the environment cannot set.
  const config = loadConfig(env, options)
  return { config, app: createApp({ ...config, session: { ...config.session, tokenCacheSize: Number(cacheSize) } }) }
}

const build: Build = (variantEnv: BenchEnv) => {
  // The app reads REDIS_URL only through a store its entry file makes; here it would be ignored.
  if (variantEnv.REDIS_URL !== undefined) throw new Error('REDIS_URL needs a Redis client: use ours-redis.ts')
  return buildApp(variantEnv).app
}
export default build
