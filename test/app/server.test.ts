import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { freePort } from '../support/redis-server.ts'
import { BUN_ENTRY, startServer, type RunningServer } from '../support/server.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
const SECRET = 'server-test-secret-0123456789-abcdefgh'

async function run(env: Record<string, string>) {
  const proc = Bun.spawn(['bun', BUN_ENTRY], { env: { PATH: process.env.PATH!, ...env }, stdout: 'pipe', stderr: 'pipe' })
  const code = await proc.exited
  return { code, stderr: await new Response(proc.stderr).text() }
}

describe('bun run start: refusing to start', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['production without a secret', { NODE_ENV: 'production' }, 'SESSION_SECRET'],
    ['a short secret', { SESSION_SECRET: 'too-short' }, 'SESSION_SECRET'],
    ['idle above absolute', { SESSION_SECRET: SECRET, SESSION_IDLE_TIMEOUT: '9000', SESSION_ABSOLUTE_TIMEOUT: '60' }, 'SESSION_IDLE_TIMEOUT'],
    ['__Host- without Secure', { SESSION_SECRET: SECRET, SESSION_COOKIE_NAME: '__Host-s', SESSION_COOKIE_SECURE: 'false' }, 'SESSION_COOKIE_SECURE'],
  ]
  for (const [label, env, variable] of cases) {
    test(`${label}: non-zero exit, a message naming ${variable}`, async () => {
      const { code, stderr } = await run(env)
      expect(code).not.toBe(0)
      expect(stderr).toContain(`Configuration error: ${variable}`)
      expect(stderr.trim().split('\n')).toHaveLength(1) // one message, not a stack trace
    })
  }
})

describe('bun run start: serving over HTTP', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: SECRET })
  })
  afterAll(() => server.stop())

  /** A real HTTP client with a cookie jar that has visited these tutorial routes in turn, and the last response. */
  async function visited(...paths: string[]) {
    const jar = new StrictCookieJar()
    let res: Response | undefined
    for (const path of paths) res = await jar.request(server, `/test/session/${path}`)
    return res!
  }

  test('set answers Test as text/plain', async () => {
    const res = await visited('set')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8')
    expect(await res.text()).toBe('Test')
  })

  test('check with the cookie set answers Logged in as user, as text/plain', async () => {
    const res = await visited('set', 'check')
    expect(await res.text()).toBe('Logged in as user')
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8')
  })

  test('pop with the cookie answers Test and deletes the cookie', async () => {
    const res = await visited('set', 'pop')
    expect(await res.text()).toBe('Test')
    expect(res.headers.getSetCookie()[0]).toStartWith('session=; Max-Age=0')
  })

  test('check without a cookie answers You are not logged in', async () => {
    const res = await server.request('/test/session/check')
    expect(await res.text()).toBe('You are not logged in')
  })

  test('a development server without a secret warns that sessions end on restart', async () => {
    const dev = await startServer(['bun', BUN_ENTRY], {})
    await dev.stop()
    expect(dev.output()).toContain('SESSION_SECRET is not set')
  })
})

describe('the Bun entry with a Redis it cannot reach', () => {
  test('starts anyway, says where revocations go, and never prints the password in REDIS_URL', async () => {
    const url = `redis://default:S3cretRedisPass@127.0.0.1:${await freePort()}`
    const server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: SECRET, REDIS_URL: url })
    try {
      const res = await fetch(`${server.url}/test/session/check`)
      expect(await res.text()).toBe('You are not logged in')
      expect(server.output()).toContain('Revocations: in Redis at 127.0.0.1:')
      expect(server.output()).not.toContain('S3cretRedisPass')
    } finally {
      await server.stop()
    }
  })
})
