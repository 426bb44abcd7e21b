import { afterAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'

const ENTRY = join(import.meta.dir, '../../src/entries/bun.ts')
const SECRET = 'server-test-secret-0123456789-abcdefgh'

async function run(env: Record<string, string>) {
  const proc = Bun.spawn(['bun', ENTRY], { env: { PATH: process.env.PATH!, ...env }, stdout: 'pipe', stderr: 'pipe' })
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
  const server = Bun.spawn(['bun', ENTRY], {
    env: { PATH: process.env.PATH!, PORT: '0', SESSION_SECRET: SECRET },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  afterAll(() => server.kill())

  let base: Promise<string> | undefined
  /** Reads the "Listening on <url>" line the entry prints. */
  function url(): Promise<string> {
    return (base ??= (async () => {
      const reader = server.stdout.getReader()
      let text = ''
      while (!/Listening on (\S+)/.test(text)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`server exited: ${text}${await new Response(server.stderr).text()}`)
        text += new TextDecoder().decode(value)
      }
      reader.releaseLock()
      return text.match(/Listening on (\S+)/)![1]!.replace(/\/$/, '')
    })())
  }

  test('the tutorial flow from a real HTTP client', async () => {
    const root = await url()
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
    const proc = Bun.spawn(['bun', ENTRY], { env: { PATH: process.env.PATH!, PORT: '0' }, stdout: 'pipe', stderr: 'pipe' })
    const reader = proc.stderr.getReader()
    let text = ''
    while (!text.includes('\n')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    proc.kill()
    expect(text).toContain('SESSION_SECRET is not set')
  })
})
