import { createApp, type App } from './app.ts'
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
