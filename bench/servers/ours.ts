// This project: the real app, configured as in production but over plain HTTP. The variant's
// environment (bench/variants.ts) is added to the app's, so a new setting (SESSION_ENCRYPT, a
// revocation store) is benchmarked by adding one variant entry.
import { createApp } from '../../src/app/app.ts'
import { boot } from '../../src/app/boot.ts'
import { loadConfig, VARIABLES } from '../../src/app/config.ts'
import { SECRET, type BenchEnv, type Build } from './shared.ts'

/** Bench-only setting: the session's tokenCacheSize, which the app has no variable for. */
export const TOKEN_CACHE_SIZE = 'BENCH_TOKEN_CACHE_SIZE'

const build: Build = (variantEnv: BenchEnv) => {
  // A variable the app does not read would silently benchmark the default app under another name.
  const known = new Set<string>(VARIABLES)
  const unknown = Object.keys(variantEnv).filter((name) => !name.startsWith('BENCH_') && !known.has(name))
  if (unknown.length > 0) throw new Error(`the app does not read ${unknown.join(', ')} (src/app/config.ts VARIABLES): this variant cannot run yet`)
  const env = { NODE_ENV: 'production', SESSION_SECRET: SECRET, SESSION_COOKIE_SECURE: 'false', ...variantEnv }

  const cacheSize = variantEnv[TOKEN_CACHE_SIZE]
  if (cacheSize === undefined) {
    const booted = boot(env)
    if (!booted.ok) throw new Error(booted.message)
    return booted.app
  }
  // What boot() does, with the one session option the environment cannot set.
  const config = loadConfig(env)
  return createApp({ ...config, session: { ...config.session, tokenCacheSize: Number(cacheSize) } })
}
export default build
