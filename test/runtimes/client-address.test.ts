// Each runtime's entry hands the app the client's address (issue 10, finding 1): after 20 failed logins
// from one address, that address is throttled (429) and another one is not. Bun, Node and Deno read the
// socket (the test connects from 127.0.0.1 and from 127.0.0.2); Workers read CF-Connecting-IP, which
// Cloudflare sets; a proxy's header counts only when TRUSTED_PROXY_HEADER names it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { request } from 'node:http'
import { RUNTIME_NAMES, RUNTIMES, type RuntimeName } from '../support/runtimes.ts'
import type { RunningServer } from '../support/server.ts'

const STARTUP = 90_000
const SECRET = 'address-test-secret-0123456789-abcdefgh'
const servers = {} as Record<RuntimeName | 'proxied', RunningServer>

beforeAll(async () => {
  const started = await Promise.allSettled([
    ...RUNTIME_NAMES.map(async (name) => [name, await RUNTIMES[name]({ SESSION_SECRET: SECRET })] as const),
    (async () => ['proxied', await RUNTIMES.bun({ SESSION_SECRET: SECRET, TRUSTED_PROXY_HEADER: 'X-Forwarded-For' })] as const)(),
  ])
  for (const result of started) if (result.status === 'fulfilled') servers[result.value[0]] = result.value[1]
  const failed = started.filter((r) => r.status === 'rejected')
  if (failed.length > 0) throw new Error(failed.map((r) => String((r as PromiseRejectedResult).reason)).join('\n\n'))
}, STARTUP)

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()))
}, 30_000)

/** POST /login from a chosen local address (fetch cannot choose one; node:http can). */
function login(server: RunningServer, name: string, from: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL(server.url)
  const body = new URLSearchParams({ username: name, password: 'wrong' }).toString()
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: '/login',
        method: 'POST',
        localAddress: from,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode!))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** 20 failed logins (distinct names, so only the address adds up), then a 21st; the answers' statuses. */
async function exhaust(server: RunningServer, from: string, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < 21; i++) statuses.push(await login(server, `nobody-${from}-${i}`, from, headers))
  return statuses
}

const TWENTY_FAILURES_THEN_LOCKED = [...Array<number>(20).fill(401), 429]

for (const name of ['bun', 'node', 'deno'] as const) {
  test(`${name}: the socket's address is throttled, not another`, async () => {
    expect(await exhaust(servers[name], '127.0.0.1')).toEqual(TWENTY_FAILURES_THEN_LOCKED)
    expect(await login(servers[name], 'someone', '127.0.0.2')).toBe(401)
    expect(await login(servers[name], 'someone-else', '127.0.0.1')).toBe(429)
  }, 30_000)
}

describe('workers', () => {
  test('CF-Connecting-IP is the client\'s address', async () => {
    const cf = (address: string) => ({ 'CF-Connecting-IP': address })
    expect(await exhaust(servers.workers, '127.0.0.1', cf('198.51.100.1'))).toEqual(TWENTY_FAILURES_THEN_LOCKED)
    expect(await login(servers.workers, 'someone', '127.0.0.1', cf('198.51.100.2'))).toBe(401)
    expect(await login(servers.workers, 'someone-else', '127.0.0.2', cf('198.51.100.1'))).toBe(429)
  }, 60_000)
})

test('behind a proxy (TRUSTED_PROXY_HEADER=X-Forwarded-For): the header\'s right-most address, whatever the socket', async () => {
  const forwarded = (client: string) => ({ 'X-Forwarded-For': `6.6.6.6, ${client}` })
  expect(await exhaust(servers.proxied, '127.0.0.1', forwarded('198.51.100.1'))).toEqual(TWENTY_FAILURES_THEN_LOCKED)
  expect(await login(servers.proxied, 'someone', '127.0.0.1', forwarded('198.51.100.2'))).toBe(401)
  expect(await login(servers.proxied, 'someone-else', '127.0.0.2', forwarded('198.51.100.1'))).toBe(429)
}, 30_000)
