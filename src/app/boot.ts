import { createApp, SESSION_AUDIENCE, type App } from './app.ts'
import { loadConfig, startupErrorMessage, type Environment, type LoadOptions, type ServerConfig } from './config.ts'

export type Booted = { ok: true; config: ServerConfig; app: App } | { ok: false; message: string }

/**
 * What every entry file does first: read the configuration and build the app. A configuration
 * mistake comes back as the one line to print before refusing to start; anything else is a bug and is thrown.
 */
export function boot(env: Environment, options?: LoadOptions): Booted {
  try {
    const config = loadConfig(env, options)
    return { ok: true, config, app: createApp(config) }
  } catch (error) {
    const message = startupErrorMessage(error)
    if (message === undefined) throw error
    return { ok: false, message }
  }
}

/**
 * What an entry file that can refuse to start does (Bun, Node, Deno): the app and its configuration,
 * with the warnings printed; or, for a configuration mistake, the one line naming it, then the
 * runtime's exit with status 1.
 */
export function bootOrExit(env: Environment, options: LoadOptions, exit: (code: number) => never): { config: ServerConfig; app: App } {
  const booted = boot(env, options)
  if (!booted.ok) {
    console.error(booted.message)
    return exit(1)
  }
  for (const warning of booted.config.warnings) console.warn(`Warning: ${warning}`)
  return booted
}

/**
 * The demo's Redis key prefix: its own, so another app on the same Redis never reads or ends its
 * revocations (the braces keep every key in one Redis Cluster slot).
 */
export const REDIS_PREFIX = `{${SESSION_AUDIENCE}}:`

/** Where a Redis is, for log lines: its host and port, never the password the URL may carry. */
export function redisHost(url: string): string {
  return new URL(url).host
}

/** The description of revocations kept in the Redis at `url`, for the start-up line. */
export function inRedis(url: string): string {
  return `in Redis at ${redisHost(url)}`
}

/**
 * The line every entry prints once it listens: an address to open, the interfaces, the mode and the
 * runtime. `port` is the one the runtime bound (PORT=0 picks a free one).
 */
export function listeningLine(config: ServerConfig, port: number, runtime: string): string {
  const mode = config.production ? 'production' : 'development'
  const host = config.hostname
  if (host === undefined || host === '0.0.0.0' || host === '::') return `Listening on http://localhost:${port}/ (every interface; ${mode}, ${runtime})`
  return `Listening on http://${host.includes(':') ? `[${host}]` : host}:${port}/ (this address only; ${mode}, ${runtime})`
}
