// Real server processes for tests over HTTP: startServer() runs a command on a free loopback port and
// returns a RunningServer, which a StrictCookieJar drives like an app (jar.request(server, path)). Always stop() it.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = join(import.meta.dir, '../..')
export const BUN_ENTRY = join(ROOT, 'src/entries/bun.ts')

export interface RunningServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string
  /** The process started (for a `bun run` script, the script runner). */
  pid: number
  /** Ends the process and everything it started, and waits until all its output has been read. */
  stop(): Promise<void>
  /** A crash: SIGKILL to the process and everything it started, nothing cleaned up; waits until it is gone. */
  kill(): Promise<void>
  /** Everything the process printed so far. */
  output(): string
  /** Fetches `path` from the server without following redirects, so a `CookieJar` can drive it like an app. */
  request(path: string, init?: RequestInit): Promise<Response>
}

export interface StartOptions {
  /** Listen on this port instead of a free one (PORT=0): to start an instance again where a load balancer expects it. */
  port?: number
}

/**
 * Starts a server process on a free loopback port (PORT=0) and waits for its "Listening on" line
 * (or wrangler's "Ready on"). It gets a process group of its own, so stopping it also stops what it
 * spawned (bun run → node, wrangler → workerd). When it fails to start, the error carries its output.
 */
export async function startServer(command: string[], env: Record<string, string>, timeoutMs = 15_000, options: StartOptions = {}): Promise<RunningServer> {
  const proc = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(options.port ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let text = ''
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)))
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code ?? -1))

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, signal)
    } catch {
      // Already gone.
    }
  }
  const stop = async () => {
    killGroup('SIGTERM')
    const timer = setTimeout(() => killGroup('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  const kill = async () => {
    killGroup('SIGKILL')
    await exited
  }

  const deadline = Date.now() + timeoutMs
  for (;;) {
    const port = /(?:Listening|Ready) on \S*?:(\d+)/.exec(text)?.[1]
    if (port !== undefined) {
      const url = `http://127.0.0.1:${port}`
      const request = (path: string, init?: RequestInit) => fetch(url + path, { ...init, redirect: 'manual' })
      return { url, pid: proc.pid!, stop, kill, output: () => text, request }
    }
    if (exitCode !== undefined || Date.now() > deadline) {
      await stop()
      throw new Error(`${command.join(' ')} did not start (exit ${exitCode ?? 'none: timed out'}):\n${text}`)
    }
    await Bun.sleep(20)
  }
}
