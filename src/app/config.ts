import { base64url } from 'jose'
import { SessionConfigError, type SessionOptions } from 'hono-jwt-session'
import type { AppConfig } from './app.ts'
import { DEMO_USER, MemoryUserStore } from './auth/users.ts'

/** The process environment, as each runtime's entry file reads it. */
export type Environment = Readonly<Record<string, string | undefined>>

/** Every variable the app reads: entries that must list what they read (Deno's --allow-env, Workers' bindings) use this. */
export const VARIABLES = [
  'PORT',
  'NODE_ENV',
  'SESSION_SECRET',
  'SESSION_SECRET_FALLBACKS',
  'SESSION_IDLE_TIMEOUT',
  'SESSION_ABSOLUTE_TIMEOUT',
  'SESSION_COOKIE_SECURE',
  'SESSION_COOKIE_NAME',
  'DEMO_USER',
] as const

/** The app's variables, read one by one through `get` (Deno's environment, a Worker's bindings, ...). */
export function pickEnvironment(get: (name: string) => unknown): Environment {
  return Object.fromEntries(VARIABLES.map((name) => {
    const value = get(name)
    return [name, typeof value === 'string' ? value : undefined]
  }))
}

export interface ServerConfig extends AppConfig {
  port: number
  production: boolean
  /** Things the operator should know at start-up, e.g. that a random secret is in use. */
  warnings: string[]
}

/** A setting in the environment is wrong; the process must not start. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`)
  }
}

// Which environment variable sets each session option, so a bad value is reported by the name the operator typed.
const VARIABLE_FOR_OPTION: Record<string, string> = {
  secret: 'SESSION_SECRET',
  fallbackSecrets: 'SESSION_SECRET_FALLBACKS',
  idleTimeout: 'SESSION_IDLE_TIMEOUT',
  absoluteTimeout: 'SESSION_ABSOLUTE_TIMEOUT',
  'cookie.secure': 'SESSION_COOKIE_SECURE',
  'cookie.name': 'SESSION_COOKIE_NAME',
}

function optional(env: Environment, name: string): string | undefined {
  const value = env[name]
  if (value === '') throw new ConfigError(name, 'is set but empty; unset it or give it a value')
  return value
}

function wholeNumber(env: Environment, name: string, min: number, max: number): number | undefined {
  const raw = optional(env, name)
  if (raw === undefined) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return Number(raw)
}

function flag(env: Environment, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)
  if (raw === undefined) return fallback
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be "true" or "false", got "${raw}"`)
  return raw === 'true'
}

export function randomSecret(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
}

export interface LoadOptions {
  /** Makes the development secret; the Bun entry keeps one across hot reloads. */
  generateSecret?: () => string
}

/**
 * Reads the app's settings from the environment. Throws ConfigError, naming the variable, for any
 * value that is wrong; session options are checked later by `session()` (see `startupErrorMessage`).
 */
export function loadConfig(env: Environment, { generateSecret = randomSecret }: LoadOptions = {}): ServerConfig {
  const production = env.NODE_ENV === 'production'
  const warnings: string[] = []
  const port = wholeNumber(env, 'PORT', 0, 65535) ?? 3000

  let secret = optional(env, 'SESSION_SECRET')
  if (secret === undefined) {
    if (production) throw new ConfigError('SESSION_SECRET', 'is required when NODE_ENV=production (at least 32 bytes)')
    secret = generateSecret()
    warnings.push('SESSION_SECRET is not set: using a random secret, so sessions end when the process restarts.')
  }
  const fallbacks = optional(env, 'SESSION_SECRET_FALLBACKS')?.split(',') ?? []
  if (fallbacks.some((value) => value === '')) {
    throw new ConfigError('SESSION_SECRET_FALLBACKS', 'has an empty entry; separate secrets with single commas')
  }

  const session: SessionOptions = {
    secret,
    fallbackSecrets: fallbacks,
    idleTimeout: wholeNumber(env, 'SESSION_IDLE_TIMEOUT', 1, Number.MAX_SAFE_INTEGER),
    absoluteTimeout: wholeNumber(env, 'SESSION_ABSOLUTE_TIMEOUT', 1, Number.MAX_SAFE_INTEGER),
    cookie: {
      name: optional(env, 'SESSION_COOKIE_NAME'),
      secure: flag(env, 'SESSION_COOKIE_SECURE', production),
    },
  }
  // The demo account (user / password) is for trying the app out; production has it only when asked.
  const demo = flag(env, 'DEMO_USER', !production)
  if (demo && production) warnings.push('DEMO_USER=true: the demo account "user" / "password" can log in.')
  const users = new MemoryUserStore(demo ? [DEMO_USER] : [])

  return { port, production, warnings, session, users, demoHint: demo }
}

/** The line to print when the app cannot start; names the environment variable at fault. */
export function startupErrorMessage(error: unknown): string | undefined {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`
  if (error instanceof SessionConfigError) {
    const option = error.option.replace(/\[\d+\]$/, '')
    const variable = VARIABLE_FOR_OPTION[option]
    return `Configuration error: ${variable ?? error.option}: ${error.message}`
  }
  return undefined
}
