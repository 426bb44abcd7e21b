// Deno entry: `bun run start:deno`. Reads only the app's variables (matching --allow-env in package.json).
import { DenoKvRevocationStore } from 'hono-jwt-session/deno-kv'
import { bootOrExit, listeningLine } from '../app/boot.ts'
import { pickEnvironment } from '../app/config.ts'

/**
 * Revocations in Deno KV: a local file (under data/, which start:deno lets Deno read and write), or
 * with DENO_KV_PATH=default the database Deno Deploy gives the app.
 */
async function openKv(path: string): Promise<Deno.Kv> {
  if (path === 'default') return Deno.openKv()
  await Deno.mkdir(path.slice(0, path.lastIndexOf('/') + 1) || '.', { recursive: true })
  return Deno.openKv(path)
}

const env = pickEnvironment((name) => Deno.env.get(name))
const kv = env.DENO_KV_PATH === undefined || env.DENO_KV_PATH === '' ? undefined : await openKv(env.DENO_KV_PATH)

const { config, app } = bootOrExit(env, {
  // Deno.serve passes the handler info (remoteAddr) to fetch as the second argument, which Hono makes c.env.
  socketAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>).remoteAddr.hostname,
  sharedStore: ({ denoKvPath }) => (kv === undefined ? undefined : { store: new DenoKvRevocationStore(kv), description: `in Deno KV (${denoKvPath})` }),
}, Deno.exit)

Deno.serve(
  {
    hostname: config.hostname,
    port: config.port,
    onListen: ({ port }) => {
      console.log(`Revocations: ${config.revocations}`)
      console.log(listeningLine(config, port, `Deno ${Deno.version.deno}`))
    },
  },
  app.fetch,
)
