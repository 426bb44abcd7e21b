// A real load balancer (Debian's HAProxy) in front of several app instances on loopback: round robin,
// health checks, and a retry on another instance when one dies, as a deployment would have.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis-server.ts'

export const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy'
const INSTALL_HINT = 'apt-get update && apt-get install -y haproxy'

/** Whether cluster tests can run here. In CI a missing HAProxy is a failure, not a skip. */
export function haproxyAvailable(): boolean {
  if (existsSync(HAPROXY)) return true
  if (process.env.CI) throw new Error(`haproxy not found at ${HAPROXY}; .ci/run should have installed it (${INSTALL_HINT})`)
  console.warn(`Skipping cluster tests: haproxy not found at ${HAPROXY}. Install it with: ${INSTALL_HINT}`)
  return false
}

function config(port: number, backends: readonly string[]): string {
  const servers = backends.map((url, i) => `  server app${i} ${new URL(url).host} check inter 500ms fall 1 rise 1`)
  return [
    'global',
    '  maxconn 2000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    // A request sent to an instance that just died goes to another one instead of failing.
    '  retries 3',
    '  option redispatch',
    '  retry-on conn-failure empty-response response-timeout',
    `frontend shop`,
    `  bind 127.0.0.1:${port}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    ...servers,
    '',
  ].join('\n')
}

export class LoadBalancer implements AsyncDisposable {
  readonly #dir = mkdtempSync(join(tmpdir(), 'haproxy-test-'))
  #process: ChildProcess | undefined

  private constructor(readonly url: string) {}

  /** HAProxy on a free loopback port, round robin over `backends` (base URLs), up once it answers. */
  static async start(backends: readonly string[]): Promise<LoadBalancer> {
    for (let attempt = 0; ; attempt++) {
      const port = await freePort()
      const balancer = new LoadBalancer(`http://127.0.0.1:${port}`)
      const file = join(balancer.#dir, 'haproxy.cfg')
      writeFileSync(file, config(port, backends))
      const proc = spawn(HAPROXY, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] })
      let errors = ''
      proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk))
      balancer.#process = proc
      if (await balancer.#ready()) return balancer
      await balancer[Symbol.asyncDispose]()
      // Someone took the port between our check and HAProxy's bind: try another.
      if (attempt === 3) throw new Error(`haproxy did not start:\n${errors}`)
    }
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
