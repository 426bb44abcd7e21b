// What the app says and where it listens at start-up (issue 10, finding 5); the servers themselves are
// checked in test/runtimes/host.test.ts.
import { describe, expect, test } from 'bun:test'
import { listeningLine } from '../../src/app/boot.ts'
import { loadConfig, startupErrorMessage, VARIABLES } from '../../src/app/config.ts'

const SECRET = 's'.repeat(32)

function refusal(env: Record<string, string>): string | undefined {
  try {
    loadConfig(env)
    return undefined
  } catch (error) {
    return startupErrorMessage(error)
  }
}

describe('HOST', () => {
  test('development listens on 127.0.0.1, production on every interface (the runtime\'s default)', () => {
    expect(loadConfig({}).hostname).toBe('127.0.0.1')
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }).hostname).toBeUndefined()
  })

  test('HOST says otherwise, in either mode', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).hostname).toBe('0.0.0.0')
    expect(loadConfig({ HOST: '::' }).hostname).toBe('::')
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, HOST: '10.0.0.5' }).hostname).toBe('10.0.0.5')
    expect(loadConfig({ HOST: 'shop.internal' }).hostname).toBe('shop.internal')
  })

  test('a HOST that is no address is refused at start-up', () => {
    expect(refusal({ HOST: 'http://0.0.0.0' })).toMatch(/^Configuration error: HOST must be an IP address or a host name/)
    expect(refusal({ HOST: '0.0.0.0 127.0.0.1' })).toMatch(/^Configuration error: HOST /)
    expect(refusal({ HOST: '' })).toBe('Configuration error: HOST is set but empty; unset it or give it a value')
    expect(VARIABLES).toContain('HOST')
  })

  test('the start-up line says where to connect and whether other machines can', () => {
    expect(listeningLine(loadConfig({}), 3000, 'Bun 1')).toBe('Listening on http://127.0.0.1:3000/ (this address only; development, Bun 1)')
    expect(listeningLine(loadConfig({ HOST: '::1' }), 3000, 'Bun 1')).toBe('Listening on http://[::1]:3000/ (this address only; development, Bun 1)')
    const production = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET })
    expect(listeningLine(production, 8080, 'Node v20')).toBe('Listening on http://localhost:8080/ (every interface; production, Node v20)')
  })
})

describe('the demo account is announced whenever it exists', () => {
  test('development: a warning, unless DEMO_USER=false removes the account', async () => {
    const dev = loadConfig({ SESSION_SECRET: SECRET })
    expect(dev.warnings).toEqual(['The demo account "user" / "password" can log in (DEMO_USER=false removes it).'])
    expect(await dev.users.authenticate('user', 'password')).toBeDefined()
    const without = loadConfig({ SESSION_SECRET: SECRET, DEMO_USER: 'false' })
    expect(without.warnings).toEqual([])
    expect(await without.users.authenticate('user', 'password')).toBeUndefined()
  })

  test('production: only with DEMO_USER=true, and then with a warning', () => {
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET }).warnings).toEqual([])
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, DEMO_USER: 'true' }).warnings).toEqual([
      'DEMO_USER=true: the demo account "user" / "password" can log in.',
    ])
  })
})

describe('TRUSTED_PROXY_HEADER', () => {
  test('unset: the socket\'s address counts, no header does; set: the header it names', () => {
    expect(loadConfig({}).trustedProxyHeader).toBeUndefined()
    expect(loadConfig({ TRUSTED_PROXY_HEADER: 'X-Forwarded-For' }).trustedProxyHeader).toBe('X-Forwarded-For')
    expect(loadConfig({ TRUSTED_PROXY_HEADER: 'Fly-Client-IP' }).trustedProxyHeader).toBe('Fly-Client-IP')
    expect(VARIABLES).toContain('TRUSTED_PROXY_HEADER')
  })

  test('a value that is no header name is refused at start-up', () => {
    expect(refusal({ TRUSTED_PROXY_HEADER: 'X-Forwarded-For: 1.2.3.4' })).toBe(
      'Configuration error: TRUSTED_PROXY_HEADER must be a header name such as X-Forwarded-For, got "X-Forwarded-For: 1.2.3.4"',
    )
    expect(refusal({ TRUSTED_PROXY_HEADER: 'X Forwarded For' })).toMatch(/^Configuration error: TRUSTED_PROXY_HEADER /)
  })
})
