// Real Deno, with real Deno KV files, for the tests of hono-jwt-session/deno-kv: starts
// deno-kv-host.ts (the store and an app instance per database, over HTTP) with permissions scoped to
// one temporary folder, and gives bun a RevocationStore and an app that forward to it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RevocationQuery, RevocationStatus, RevocationStore, SessionRevocation, SubjectRevocation } from 'hono-jwt-session'
import type { Requestable } from 'hono-jwt-session/testing'
import { ROOT, startServer, type RunningServer } from './server.ts'

export const DENO = join(ROOT, 'node_modules/.bin/deno')
const HOST = 'test/support/deno-kv-host.ts'

/** A Deno process serving stores on Deno KV files in `folder`. */
export class DenoKvHost implements AsyncDisposable {
  private constructor(
    readonly folder: string,
    readonly server: RunningServer,
    readonly ownsFolder: boolean,
  ) {}

  /** Starts one; several started on the same `folder` share its databases, as instances on one disk do. */
  static async start(folder?: string): Promise<DenoKvHost> {
    const dir = folder ?? mkdtempSync(join(tmpdir(), 'deno-kv-test-'))
    const permissions = [`--allow-read=${dir}`, `--allow-write=${dir}`, '--allow-net=127.0.0.1']
    const server = await startServer([DENO, 'run', '--no-lock', '--unstable-kv', ...permissions, HOST, dir], { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, 30_000)
    return new DenoKvHost(dir, server, folder === undefined)
  }

  /** The real DenoKvRevocationStore on `<folder>/<database>.sqlite3`, each call one HTTP request to Deno. */
  store(database: string): RevocationStore {
    const call = async (method: string, argument: unknown): Promise<unknown> => {
      const res = await fetch(`${this.server.url}/${database}/store/${method}`, { method: 'POST', body: JSON.stringify(argument) })
      const text = await res.text()
      let body: { answer?: unknown; error?: string }
      try {
        body = JSON.parse(text)
      } catch {
        throw new Error(`the Deno host answered ${res.status}: ${text}`)
      }
      if (body.error !== undefined) throw new Error(`in Deno: ${body.error}`)
      return body.answer
    }
    return {
      async check(query: RevocationQuery): Promise<RevocationStatus> {
        const status = (await call('check', query)) as Omit<RevocationStatus, 'subjectCutoff'> & { subjectCutoff?: number }
        return { sessionRevoked: status.sessionRevoked, subjectCutoff: status.subjectCutoff, epoch: status.epoch }
      },
      revokeSession: async (revocation: SessionRevocation) => void (await call('revokeSession', revocation)),
      revokeSubject: async (revocation: SubjectRevocation) => void (await call('revokeSubject', revocation)),
    }
  }

  /** The app instance on that database, served by this process. */
  app(database: string): Requestable {
    return { request: (path, init) => fetch(`${this.server.url}/${database}/app${path}`, { ...init, redirect: 'manual' }) }
  }

  /** The `onInvalid` reasons that app instance reported. */
  async invalid(database: string): Promise<string[]> {
    return ((await (await fetch(`${this.server.url}/${database}/invalid`)).json()) as { invalid: string[] }).invalid
  }

  /** The Deno KV methods the store called on that database since the last time this was asked. */
  async calls(database: string): Promise<string[]> {
    return (await fetch(`${this.server.url}/${database}/calls`)).json() as Promise<string[]>
  }

  /** The database's file deleted and a new one opened in its place: everything stored is lost. */
  async lose(database: string): Promise<void> {
    await fetch(`${this.server.url}/${database}/lose`, { method: 'POST' })
  }

  async close(database: string): Promise<void> {
    await fetch(`${this.server.url}/${database}/close`, { method: 'POST' })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.stop()
    if (this.ownsFolder) rmSync(this.folder, { recursive: true, force: true })
  }
}
