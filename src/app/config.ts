import { generateSecret, MemoryRevocationStore, SessionConfigError, type RevocationStore, type SessionOptions } from 'hono-jwt-session'
import type { AppConfig } from './app.ts'
import type { SocketAddress } from './http/client-address.ts'
import { DEMO_USER, MemoryUserStore } from './auth/users.ts'

/** The process environment, as each runtime's entry file reads it. */
export type Environment = Readonly<Record<string, string | undefined>>

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

/** Turns a variable's text (undefined when unset; never empty) into its value, or throws ConfigError. */
type Reader<T> = (raw: string | undefined, name: string) => T

const text: Reader<string | undefined> = (raw) => raw

function wholeNumber(min: number, max: number): Reader<number | undefined> {
  return (raw, name) => {
    if (raw === undefined) return undefined
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`)
    }
    return Number(raw)
  }
}

const flag: Reader<boolean | undefined> = (raw, name) => {
  if (raw === undefined) return undefined
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(name, `must be "true" or "false", got "${raw}"`)
  return raw === 'true'
}

// An IP address or a host name, as the runtimes' listen calls take it (IPv6 without brackets).
const hostname: Reader<string | undefined> = (raw, name) => {
  if (raw === undefined) return undefined
  if (!/^[A-Za-z0-9.:%_-]{1,253}$/.test(raw)) throw new ConfigError(name, `must be an IP address or a host name to listen on (e.g. 127.0.0.1, 0.0.0.0, ::), got "${raw}"`)
  return raw
}

// An HTTP header name (a token, RFC 9110), e.g. X-Forwarded-For.
const headerName: Reader<string | undefined> = (raw, name) => {
  if (raw === undefined) return undefined
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(raw)) throw new ConfigError(name, `must be a header name such as X-Forwarded-For, got "${raw}"`)
  return raw
}

// Where Redis listens: redis://[user:password@]host[:port][/db], or rediss:// for TLS.
const redisUrl: Reader<string | undefined> = (raw, name) => {
  if (raw === undefined) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(name, 'must be a URL such as redis://127.0.0.1:6379')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(name, `must start with redis:// or rediss://, got "${url.protocol}//"`)
  return raw
}

const list: Reader<string[]> = (raw, name) => {
  const items = raw?.split(',') ?? []
  if (items.some((item) => item === '')) throw new ConfigError(name, 'has an empty entry; separate secrets with single commas')
  return items
}

/**
 * Every variable the app reads, how it is read, and the session option it sets (so an error from
 * session() is reported by the name the operator typed). Entries that must list what they read
 * (Deno's --allow-env, a Worker's bindings) take the names from here.
 */
const VARIABLE_TABLE = {
  PORT: { read: wholeNumber(0, 65535) },
  HOST: { read: hostname },
  TRUSTED_PROXY_HEADER: { read: headerName },
  NODE_ENV: { read: text },
  SESSION_SECRET: { read: text, option: 'secret' },
  SESSION_SECRET_FALLBACKS: { read: list, option: 'fallbackSecrets' },
  SESSION_IDLE_TIMEOUT: { read: wholeNumber(1, Number.MAX_SAFE_INTEGER), option: 'idleTimeout' },
  SESSION_ABSOLUTE_TIMEOUT: { read: wholeNumber(1, Number.MAX_SAFE_INTEGER), option: 'absoluteTimeout' },
  SESSION_COOKIE_SECURE: { read: flag, option: 'cookie.secure' },
  SESSION_COOKIE_NAME: { read: text, option: 'cookie.name' },
  DEMO_USER: { read: flag },
  SESSION_ENCRYPT: { read: flag, option: 'encrypt' },
  SESSION_REVOCATION: { read: flag },
  SESSION_REVOCATION_CHECK_INTERVAL: { read: wholeNumber(0, Number.MAX_SAFE_INTEGER), option: 'revocation.checkInterval' },
  REDIS_URL: { read: redisUrl },
  DENO_KV_PATH: { read: text },
} satisfies Record<string, { read: Reader<unknown>; option?: string }>

type Variable = keyof typeof VARIABLE_TABLE
type Settings = { [K in Variable]: ReturnType<(typeof VARIABLE_TABLE)[K]['read']> }

/** The names of every variable the app reads. */
export const VARIABLES: readonly Variable[] = Object.keys(VARIABLE_TABLE) as Variable[]

/** The app's variables, read one by one through `get` (Deno's environment, a Worker's bindings, ...). */
export function pickEnvironment(get: (name: string) => unknown): Environment {
  return Object.fromEntries(VARIABLES.map((name) => {
    const value = get(name)
    return [name, typeof value === 'string' ? value : undefined]
  }))
}

function readSettings(env: Environment): Settings {
  const values = VARIABLES.map((name) => {
    const raw = env[name]
    if (raw === '') throw new ConfigError(name, 'is set but empty; unset it or give it a value')
    return [name, VARIABLE_TABLE[name].read(raw, name)]
  })
  // Each value came from its own entry's reader, which is what Settings says of that name.
  return Object.fromEntries(values) as Settings
}

export interface ServerConfig extends AppConfig {
  port: number
  /**
   * The address to listen on. Development: 127.0.0.1 (this machine only) unless HOST says otherwise.
   * Production: undefined unless HOST is set, which means the runtime's default, every interface.
   */
  hostname: string | undefined
  production: boolean
  /** Things the operator should know at start-up, e.g. that a random secret is in use. */
  warnings: string[]
  /** Where revocations are kept, in words, for the start-up line. */
  revocations: string
}

/** What an entry file reads to make its runtime's shared revocation store. */
export interface StoreSettings {
  /** REDIS_URL: the Bun and Node entries keep revocations in that Redis. */
  redisUrl: string | undefined
  /** DENO_KV_PATH: the Deno entry keeps revocations in that Deno KV database ('default' for Deno Deploy's). */
  denoKvPath: string | undefined
}

/** A shared revocation store an entry file made, and how to say so at start-up. */
export interface SharedStore {
  store: RevocationStore
  description: string
}

export interface LoadOptions {
  /** Makes the development secret; the Bun entry keeps one across hot reloads. */
  generateSecret?: () => string
  /** How this runtime tells a request's socket address; each entry file passes its own. */
  socketAddress?: SocketAddress
  /** Limits on login attempts, replacing the defaults (benchmarks compare settings with it). */
  login?: AppConfig['login']
  /**
   * The runtime's shared revocation store, made by the entry file from the settings (Redis, Deno KV, a
   * Durable Object), or undefined when none is configured: then revocations live in this process.
   */
  sharedStore?: (settings: StoreSettings) => SharedStore | undefined
}

/**
 * Reads the app's settings from the environment. Throws ConfigError, naming the variable, for any
 * value that is wrong; session options are checked later by `session()` (see `startupErrorMessage`).
 */
export function loadConfig(env: Environment, options: LoadOptions = {}): ServerConfig {
  const settings = readSettings(env)
  const production = settings.NODE_ENV === 'production'
  const warnings: string[] = []

  let secret = settings.SESSION_SECRET
  if (secret === undefined) {
    if (production) throw new ConfigError('SESSION_SECRET', 'is required when NODE_ENV=production (at least 32 bytes)')
    secret = (options.generateSecret ?? generateSecret)()
    warnings.push('SESSION_SECRET is not set: using a random secret, so sessions end when the process restarts.')
  }
  // Logout revokes the session, so a copy of its cookie is refused: in a store the instances share when
  // the entry made one, else in this process (right for one instance; a restart logs everyone out).
  const revoking = settings.SESSION_REVOCATION ?? true
  const shared = revoking ? options.sharedStore?.({ redisUrl: settings.REDIS_URL, denoKvPath: settings.DENO_KV_PATH }) : undefined
  const interval = settings.SESSION_REVOCATION_CHECK_INTERVAL ?? 0
  const revocations = revoking
    ? `${shared?.description ?? 'in this process (a restart logs everyone out)'}, checked ${interval === 0 ? 'on every request' : `at most every ${interval} s`}`
    : 'off (SESSION_REVOCATION=false): logout ends the session in that browser only'
  const session: SessionOptions = {
    secret,
    fallbackSecrets: settings.SESSION_SECRET_FALLBACKS,
    idleTimeout: settings.SESSION_IDLE_TIMEOUT,
    absoluteTimeout: settings.SESSION_ABSOLUTE_TIMEOUT,
    encrypt: settings.SESSION_ENCRYPT,
    cookie: { name: settings.SESSION_COOKIE_NAME },
    ...(revoking ? { revocation: { store: shared?.store ?? new MemoryRevocationStore(), checkInterval: settings.SESSION_REVOCATION_CHECK_INTERVAL } } : {}),
  }
  // The demo account (user / password) is for trying the app out; production has it only when asked.
  // Whenever it exists, the operator is told, since anyone who can reach the server can use it.
  const demo = settings.DEMO_USER ?? !production
  if (demo && production) warnings.push('DEMO_USER=true: the demo account "user" / "password" can log in.')
  if (demo && !production) warnings.push('The demo account "user" / "password" can log in (DEMO_USER=false removes it).')

  return {
    port: settings.PORT ?? 3000,
    hostname: settings.HOST ?? (production ? undefined : '127.0.0.1'),
    production,
    warnings,
    revocations,
    session,
    secureCookies: settings.SESSION_COOKIE_SECURE ?? production,
    users: new MemoryUserStore(demo ? [DEMO_USER] : []),
    demoHint: demo,
    socketAddress: options.socketAddress,
    trustedProxyHeader: settings.TRUSTED_PROXY_HEADER,
    login: options.login,
  }
}

/** The line to print when the app cannot start; names the environment variable at fault. */
export function startupErrorMessage(error: unknown): string | undefined {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`
  if (error instanceof SessionConfigError) {
    const option = error.option.replace(/\[\d+\]$/, '')
    const variable = VARIABLES.find((name) => 'option' in VARIABLE_TABLE[name] && VARIABLE_TABLE[name].option === option)
    return `Configuration error: ${variable ?? error.option}: ${error.message}`
  }
  return undefined
}
