// A real redis-server (Debian's) for the tests that depend on Redis, on a free loopback port, with
// the faults a deployment meets: stopped, hung (SIGSTOP), killed (SIGKILL) and restarted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'
const INSTALL_HINT = 'apt-get update && apt-get install -y redis-server'

/** Whether Redis tests can run here. In CI a missing redis-server is a failure, not a skip. */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true
  if (process.env.CI) throw new Error(`redis-server not found at ${REDIS_SERVER}; .ci/run should have installed it (${INSTALL_HINT})`)
  console.warn(`Skipping Redis tests: redis-server not found at ${REDIS_SERVER}. Install it with: ${INSTALL_HINT}`)
  return false
}

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface RedisOptions {
  /** appendonly yes (fsync every second): data survives a restart, a crash included. Default false. */
  persistent?: boolean
}

export class RedisServer implements AsyncDisposable {
  readonly url: string
  readonly #dir = mkdtempSync(join(tmpdir(), 'redis-test-'))
  #process: ChildProcess | undefined

  private constructor(
    readonly port: number,
    readonly options: RedisOptions,
  ) {
    this.url = `redis://127.0.0.1:${port}`
  }

  static async start(options: RedisOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), options)
    await server.restart()
    return server
  }

  /** Starts (again) on the same port and folder, and waits until it answers. */
  async restart(): Promise<void> {
    const persistence = this.options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']
    const proc = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.#dir, '--save', '', ...persistence], {
      stdio: 'ignore',
    })
    this.#process = proc
    const deadline = Date.now() + 10_000
    while (!this.#answers()) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${this.port}`)
      await Bun.sleep(10)
    }
  }

  #answers(): boolean {
    const ping = spawnSync('redis-cli', ['-p', String(this.port), 'PING'], { encoding: 'utf8' })
    return ping.stdout.trim() === 'PONG'
  }

  /** Runs one command with redis-cli and returns its output. */
  cli(...args: string[]): string {
    return spawnSync('redis-cli', ['-p', String(this.port), ...args], { encoding: 'utf8' }).stdout.trim()
  }

  /** A clean stop (SIGTERM): a persistent server writes its data first. */
  async stop(): Promise<void> {
    await this.#end('SIGTERM')
  }

  /** A crash (SIGKILL): nothing is written on the way down. */
  async kill(): Promise<void> {
    await this.#end('SIGKILL')
  }

  /** Hangs it (SIGSTOP): connections stay open and nothing answers, as with a stuck server. */
  pause(): void {
    this.#process?.kill('SIGSTOP')
  }

  resume(): void {
    this.#process?.kill('SIGCONT')
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const proc = this.#process
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGCONT')
    proc.kill(signal)
    await exited
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill()
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
