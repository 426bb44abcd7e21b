import { describe, expect, test } from 'bun:test'
import { MemoryRevocationStore } from 'hono-jwt-session'
import { createApp } from '../../src/app/app.ts'
import { ConfigError, loadConfig, startupErrorMessage, type Environment } from '../../src/app/config.ts'

const SECRET = 's'.repeat(32)

/** The message the process would print for this environment, or undefined when it would start. */
function startup(env: Environment): string | undefined {
  try {
    createApp(loadConfig(env))
    return undefined
  } catch (error) {
    const message = startupErrorMessage(error)
    if (message === undefined) throw error
    return message
  }
}

describe('configuration from the environment', () => {
  test('without NODE_ENV, development on port 3000', () => {
    const config = loadConfig({})
    expect(config.port).toBe(3000)
    expect(config.production).toBe(false)
  })

  test('development without SESSION_SECRET makes a random secret of at least 32 characters, with a warning', () => {
    const config = loadConfig({})
    expect(config.warnings).toEqual([expect.stringContaining('SESSION_SECRET is not set'), expect.stringContaining('demo account')])
    expect(typeof config.session.secret).toBe('string')
    expect((config.session.secret as string).length).toBeGreaterThanOrEqual(32)
    expect(loadConfig({}).session.secret).not.toBe(config.session.secret)
  })

  test('development cookies are not Secure by default', () => {
    expect(loadConfig({}).secureCookies).toBe(false)
  })

  test('production refuses to start without SESSION_SECRET', () => {
    expect(startup({ NODE_ENV: 'production' })).toBe(
      'Configuration error: SESSION_SECRET is required when NODE_ENV=production (at least 32 bytes)',
    )
  })

  test('production with a secret starts without warnings, and its cookies are Secure by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET })
    expect(config.production).toBe(true)
    expect(config.warnings).toEqual([])
    expect(config.secureCookies).toBe(true)
  })

  test('every variable is read', () => {
    const config = loadConfig({
      PORT: '8080',
      SESSION_SECRET: SECRET,
      SESSION_SECRET_FALLBACKS: `${'a'.repeat(32)},${'b'.repeat(40)}`,
      SESSION_IDLE_TIMEOUT: '600',
      SESSION_ABSOLUTE_TIMEOUT: '3600',
      SESSION_COOKIE_SECURE: 'true',
      SESSION_COOKIE_NAME: '__Host-session',
      SESSION_ENCRYPT: 'true',
      SESSION_REVOCATION_CHECK_INTERVAL: '30',
    })
    expect(config.port).toBe(8080)
    expect(config.session).toEqual({
      secret: SECRET,
      fallbackSecrets: ['a'.repeat(32), 'b'.repeat(40)],
      idleTimeout: 600,
      absoluteTimeout: 3600,
      encrypt: true,
      cookie: { name: '__Host-session' },
      revocation: { store: expect.any(MemoryRevocationStore), checkInterval: 30 },
    })
    expect(config.secureCookies).toBe(true)
  })

  test('revocations live in this process unless the entry file made a shared store', () => {
    expect(loadConfig({}).revocations).toBe('in this process (a restart logs everyone out), checked on every request')
    const store = new MemoryRevocationStore()
    const config = loadConfig({ REDIS_URL: 'redis://cache:6379' }, { sharedStore: ({ redisUrl }) => ({ store, description: `in Redis at ${redisUrl}` }) })
    expect(config.session.revocation?.store).toBe(store)
    expect(config.revocations).toBe('in Redis at redis://cache:6379, checked on every request')
  })

  test('SESSION_REVOCATION=false turns revocation off: logout ends the session in that browser only', () => {
    const config = loadConfig({ SESSION_REVOCATION: 'false' })
    expect(config.session.revocation).toBeUndefined()
    expect(config.revocations).toStartWith('off')
  })

  test('a __Host- cookie name with SESSION_COOKIE_SECURE=true starts', () => {
    expect(startup({ SESSION_SECRET: SECRET, SESSION_COOKIE_SECURE: 'true', SESSION_COOKIE_NAME: '__Host-session' })).toBeUndefined()
  })

  const refused: [string, Environment, RegExp][] = [
    ['a short secret', { SESSION_SECRET: 'short' }, /^Configuration error: SESSION_SECRET: .*at least 32 bytes, got 5/],
    ['a secret short in bytes', { SESSION_SECRET: 'é'.repeat(15) }, /SESSION_SECRET: .*got 30/],
    ['an empty secret', { SESSION_SECRET: '' }, /SESSION_SECRET is set but empty/],
    ['a short fallback', { SESSION_SECRET: SECRET, SESSION_SECRET_FALLBACKS: `${'a'.repeat(32)},short` }, /SESSION_SECRET_FALLBACKS: .*fallbackSecrets\[1\].*at least 32 bytes/],
    ['an empty fallback entry', { SESSION_SECRET: SECRET, SESSION_SECRET_FALLBACKS: `${'a'.repeat(32)},` }, /SESSION_SECRET_FALLBACKS has an empty entry/],
    ['a non-numeric idle timeout', { SESSION_IDLE_TIMEOUT: '30m' }, /SESSION_IDLE_TIMEOUT must be a whole number/],
    ['a fractional idle timeout', { SESSION_IDLE_TIMEOUT: '1.5' }, /SESSION_IDLE_TIMEOUT must be a whole number/],
    ['a zero absolute timeout', { SESSION_ABSOLUTE_TIMEOUT: '0' }, /SESSION_ABSOLUTE_TIMEOUT must be a whole number from 1/],
    ['idle above absolute', { SESSION_IDLE_TIMEOUT: '7200', SESSION_ABSOLUTE_TIMEOUT: '3600' }, /SESSION_IDLE_TIMEOUT: .*must not exceed absoluteTimeout/],
    ['absolute above 400 days', { SESSION_ABSOLUTE_TIMEOUT: String(401 * 86400) }, /SESSION_ABSOLUTE_TIMEOUT: .*400 days/],
    ['a Secure flag that is not true/false', { SESSION_COOKIE_SECURE: 'yes' }, /SESSION_COOKIE_SECURE must be "true" or "false", got "yes"/],
    ['__Host- without Secure', { SESSION_COOKIE_NAME: '__Host-session' }, /SESSION_COOKIE_SECURE: .*__Host- prefix/],
    ['a cookie name with a semicolon', { SESSION_COOKIE_NAME: 'a;b' }, /SESSION_COOKIE_NAME: /],
    ['a port out of range', { PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    ['a port that is not a number', { PORT: 'http' }, /PORT must be a whole number/],
    ['a Redis URL that is not a URL', { REDIS_URL: 'localhost:6379' }, /REDIS_URL must (be a URL|start with redis)/],
    ['a Redis URL of another scheme', { REDIS_URL: 'http://cache:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    ['an encryption flag that is not true/false', { SESSION_ENCRYPT: '1' }, /SESSION_ENCRYPT must be "true" or "false"/],
    ['a negative check interval', { SESSION_REVOCATION_CHECK_INTERVAL: '-1' }, /SESSION_REVOCATION_CHECK_INTERVAL must be a whole number/],
    ['a check interval beyond the absolute timeout', { SESSION_REVOCATION_CHECK_INTERVAL: '50000' }, /SESSION_REVOCATION_CHECK_INTERVAL: .*revocation.checkInterval/],
  ]
  for (const [label, env, message] of refused) {
    test(`refuses to start with ${label}`, () => {
      expect(startup(env)).toMatch(message)
    })
  }

  test('errors that are not configuration errors are not dressed up as such', () => {
    expect(startupErrorMessage(new Error('disk full'))).toBeUndefined()
  })

  test('a ConfigError names its variable', () => {
    expect(new ConfigError('PORT', 'x').variable).toBe('PORT')
  })
})
