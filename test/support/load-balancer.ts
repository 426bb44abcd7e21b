// A real load balancer (Debian's HAProxy) in front of several app instances on loopback: round robin,
// health checks, and a retry on another instance when one dies, as a deployment would have. Every
// answer names the instance that served it in `X-Served-By` (app0, app1, ...), so a test can tell.
import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection } from 'node:net'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis-server.ts'

export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy'
const INSTALL_HINT = 'apt-get update && apt-get install -y haproxy'

/** The response header that names the instance (`app0`, `app1`, ...) that answered. */
export const SERVED_BY = 'X-Served-By'

/** Whether cluster tests can run here. In CI a missing HAProxy is a failure, not a skip. */
export function haproxyAvailable(): boolean {
  if (existsSync(HAPROXY)) return true
  if (process.env.CI) throw new Error(`haproxy not found at ${HAPROXY}; .ci/run should have installed it (${INSTALL_HINT})`)
  console.warn(`Skipping cluster tests: haproxy not found at ${HAPROXY}. Install it with: ${INSTALL_HINT}`)
  return false
}

function config(port: number, backends: readonly string[], socket: string): string {
  const servers = backends.map((url, i) => `  server app${i} ${new URL(url).host} check inter 500ms fall 1 rise 1`)
  return [
    'global',
    '  maxconn 2000',
    // Only what went wrong (5xx, cut-off connections) goes to stderr, where output() finds it.
    '  log stderr format raw local0',
    // For sessionsOn(): what HAProxy has in flight with each instance.
    `  stats socket ${socket}`,
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlog-normal',
    // The client's address for the instances (TRUSTED_PROXY_HEADER=X-Forwarded-For), as behind any proxy.
    '  option forwardfor',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A request whose connection an instance refuses (it just died) goes to another instance at once:
    // redispatch on every retry, since a retry on the same server would first wait a second.
    '  retries 3',
    '  option redispatch 1',
    // A request that an instance took and never answered (it was killed) is sent to another one, POSTs
    // included. HAProxy warns that a replay must be harmless; in this app it is: what a request changes
    // lives in the cookie its answer carries, which never arrived, and a revocation written twice is
    // one revocation. Without it the client gets a 502, or, on a kept-alive connection, the connection
    // closed with no answer (HAProxy's http-reuse mirrors the server's close), which a browser answers by
    // sending the request again itself. An app with effects of its own (orders in a database) adds
    // `http-request disable-l7-retry if !METH_GET`. No retry on a response timeout: a slow request is
    // not sent twice.
    '  retry-on conn-failure empty-response',
    `frontend shop`,
    `  bind 127.0.0.1:${port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    `  http-after-response set-header ${SERVED_BY} %s`,
    ...servers,
    '',
  ].join('\n')
}

export class LoadBalancer implements AsyncDisposable {
  readonly #dir = mkdtempSync(join(tmpdir(), 'haproxy-test-'))
  readonly #socket = join(this.#dir, 'haproxy.sock')
  #process: ChildProcess | undefined
  #output = ''

  private constructor(readonly url: string) {}

  /** HAProxy on a free loopback port, round robin over `backends` (base URLs), up once it answers. */
  static async start(backends: readonly string[]): Promise<LoadBalancer> {
    for (let attempt = 0; ; attempt++) {
      const port = await freePort()
      const balancer = new LoadBalancer(`http://127.0.0.1:${port}`)
      const file = join(balancer.#dir, 'haproxy.cfg')
      writeFileSync(file, config(port, backends, balancer.#socket))
      const proc = spawn(HAPROXY, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] })
      proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (balancer.#output += chunk))
      balancer.#process = proc
      if (await balancer.#ready()) return balancer
      const output = balancer.#output
      await balancer[Symbol.asyncDispose]()
      // Someone took the port between our check and HAProxy's bind: try another.
      if (attempt === 3) throw new Error(`haproxy did not start:\n${output}`)
    }
  }

  /** What HAProxy printed: warnings, and one line per request that went wrong (its termination state). */
  output(): string {
    return this.#output
  }

  /** How many requests HAProxy has in flight with instance i (`app<i>`) right now, from its stats socket. */
  async sessionsOn(i: number): Promise<number> {
    const csv = await new Promise<string>((resolve, reject) => {
      let text = ''
      const connection = createConnection(this.#socket, () => connection.end('show stat\n'))
      connection.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      connection.on('end', () => resolve(text)).on('error', reject)
    })
    const [header = '', ...rows] = csv.replace(/^# /, '').split('\n')
    const columns = header.split(',')
    const row = rows.map((line) => line.split(',')).find((fields) => fields[0] === 'instances' && fields[1] === `app${i}`)
    if (row === undefined) throw new Error(`HAProxy's stats have no instances/app${i}`)
    return Number(row[columns.indexOf('scur')])
  }

  /** Fetches `path` through the balancer without following redirects, so a `CookieJar` can drive it like an app. */
  request(path: string, init?: RequestInit): Promise<Response> {
    return fetch(this.url + path, { ...init, redirect: 'manual' })
  }

  async #ready(): Promise<boolean> {
    const deadline = Date.now() + 5_000
    while (Date.now() < deadline) {
      if (this.#process?.exitCode !== null) return false
      try {
        await fetch(this.url, { signal: AbortSignal.timeout(500) })
        return true
      } catch {
        await Bun.sleep(20)
      }
    }
    return false
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const proc = this.#process
    if (proc !== undefined && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await exited
    }
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
