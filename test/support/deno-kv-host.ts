// Runs in Deno (started by test/support/deno-kv.ts): the real DenoKvRevocationStore on real Deno KV
// files in one folder, served over HTTP on a free loopback port so the tests in bun can drive it.
//   deno run --no-lock --unstable-kv --allow-read=DIR --allow-write=DIR --allow-net=127.0.0.1 deno-kv-host.ts DIR
// Each database is a file DIR/<name>.sqlite3, opened on first use, and has:
//   POST /<name>/store/<check|revokeSession|revokeSubject>   the store's method; JSON argument and answer
//   GET  /<name>/calls                                       the Deno KV methods called since the last GET
//   POST /<name>/lose                                        deletes the file and opens a new one (data lost)
//   POST /<name>/close                                       closes the database and deletes its file
//   *    /<name>/app/...                                     an app instance (test/support/revocation-app.ts)
//   GET  /<name>/invalid                                     that instance's onInvalid reasons and errors
// An app instance keeps its store across /lose, as a running instance keeps its connection.
import { DenoKvRevocationStore } from 'hono-jwt-session/deno-kv'
import { TestClock } from 'hono-jwt-session/testing'
import { instance, type Shop } from './revocation-app.ts'

const dir = Deno.args[0]
if (dir === undefined) throw new Error('usage: deno-kv-host.ts DIR')

/** The open file and the Deno KV methods called on it. */
interface Connection {
  kv: Deno.Kv
  calls: string[]
}

interface Database {
  connection: Connection
  store: DenoKvRevocationStore
  shop: Shop | undefined
}

const databases = new Map<string, Promise<Database>>()
const path = (name: string) => `${dir}/${name}.sqlite3`

/** A Deno.Kv that records every method called and can be pointed at a new file. */
function recording(connection: Connection): Deno.Kv {
  return new Proxy(connection.kv, {
    get(_, property) {
      const value: unknown = Reflect.get(connection.kv, property)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        connection.calls.push(String(property))
        return (value as (...a: unknown[]) => unknown).apply(connection.kv, args)
      }
    },
  })
}

/**
 * Opens (creating) a database file. Two processes creating the same new file at the same instant
 * collide on SQLite's lock before any store code runs; opening again shortly after succeeds.
 */
async function openKv(file: string): Promise<Deno.Kv> {
  for (let tries = 1; ; tries++) {
    try {
      return await Deno.openKv(file)
    } catch (error) {
      if (tries === 20 || !/database is locked/i.test(String(error))) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50))
    }
  }
}

async function open(name: string): Promise<Database> {
  const connection: Connection = { kv: await openKv(path(name)), calls: [] }
  return { connection, store: new DenoKvRevocationStore(recording(connection)), shop: undefined }
}

function database(name: string): Promise<Database> {
  let found = databases.get(name)
  if (found === undefined) databases.set(name, (found = open(name)))
  return found
}

async function removeFiles(name: string): Promise<void> {
  for await (const entry of Deno.readDir(dir!)) {
    if (entry.name.startsWith(`${name}.sqlite3`)) await Deno.remove(`${dir}/${entry.name}`)
  }
}

const STORE_METHODS = new Set(['check', 'revokeSession', 'revokeSubject'])

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const match = /^\/([\w-]+)\/([\w]+)(\/.*)?$/.exec(url.pathname)
  if (match === null) return new Response('not found', { status: 404 })
  const [, name = '', action = '', rest = ''] = match
  const db = await database(name)

  if (action === 'store' && STORE_METHODS.has(rest.slice(1))) {
    const method = rest.slice(1) as 'check' | 'revokeSession' | 'revokeSubject'
    const argument = await request.json()
    try {
      return Response.json({ answer: (await db.store[method](argument)) ?? null })
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 })
    }
  }
  if (action === 'calls') return Response.json(db.connection.calls.splice(0))
  if (action === 'lose') {
    db.connection.kv.close()
    await removeFiles(name)
    db.connection.kv = await openKv(path(name))
    return Response.json({})
  }
  if (action === 'close') {
    db.connection.kv.close()
    databases.delete(name)
    await removeFiles(name)
    return Response.json({})
  }
  // Same clock start in every process, so instances in two processes agree on the time, as one
  // TestClock shared by two instances does.
  db.shop ??= instance(db.store, new TestClock(), { timeout: 2000, outageGrace: 0 })
  if (action === 'invalid') return Response.json({ invalid: db.shop.invalid, errors: db.shop.errors.map(String) })
  if (action === 'app') return db.shop.app.fetch(new Request(new URL((rest || '/') + url.search, url), request))
  return new Response('not found', { status: 404 })
}

Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`Listening on http://127.0.0.1:${port}`) }, handle)
