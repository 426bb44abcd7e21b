import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { BUN_ENTRY, startServer, type RunningServer } from '../support/server.ts'
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

  test('the tutorial flow from a real HTTP client', async () => {
    const root = server.url
    let res = await fetch(`${root}/test/session/set`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8')
    expect(await res.text()).toBe('Test')
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!
    res = await fetch(`${root}/test/session/check`, { headers: { Cookie: cookie } })
    expect(await res.text()).toBe('Logged in as user')
    expect(res.headers.get('content-type')).toBe('text/plain;charset=utf-8')
    res = await fetch(`${root}/test/session/pop`, { headers: { Cookie: cookie } })
    expect(await res.text()).toBe('Test')
    expect(res.headers.getSetCookie()[0]).toStartWith('session=; Max-Age=0')
    res = await fetch(`${root}/test/session/check`)
    expect(await res.text()).toBe('You are not logged in')
  })

  test('a development server without a secret warns that sessions end on restart', async () => {
    const dev = await startServer(['bun', BUN_ENTRY], {})
    await dev.stop()
    expect(dev.output()).toContain('SESSION_SECRET is not set')
  })
})
