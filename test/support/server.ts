import { join } from 'node:path'

export const BUN_ENTRY = join(import.meta.dir, '../../src/entries/bun.ts')

export interface RunningServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string
  /** Ends the process and waits until all its output has been read. */
  stop(): Promise<void>
  /** Everything the process printed so far. */
  output(): string
}

/**
 * Starts a server process on a free loopback port (PORT=0) and waits for its "Listening on" line.
 * When it fails to start, the error carries the process's own output.
 */
export async function startServer(command: string[], env: Record<string, string>, timeoutMs = 15_000): Promise<RunningServer> {
  const proc = Bun.spawn(command, {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env, PORT: '0' },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let text = ''
  const decoder = new TextDecoder()
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) text += decoder.decode(chunk)
  }
  const drained = Promise.all([pump(proc.stdout), pump(proc.stderr)])
  const deadline = Date.now() + timeoutMs
  let port: string | undefined
  while (port === undefined) {
    port = /Listening on \S*?:(\d+)/.exec(text)?.[1]
    if (port !== undefined) break
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill()
      throw new Error(`${command.join(' ')} did not start (exit ${proc.exitCode}):\n${text}`)
    }
    await Bun.sleep(20)
  }
  const stop = async () => {
    proc.kill()
    await proc.exited
    await drained
  }
  return { url: `http://127.0.0.1:${port}`, stop, output: () => text }
}
