// Deno entry: `bun run start:deno`. Reads only the app's variables (matching --allow-env in package.json).
import { boot, listeningLine } from '../app/boot.ts'
import { pickEnvironment } from '../app/config.ts'

const booted = boot(pickEnvironment((name) => Deno.env.get(name)), {
  // Deno.serve passes the handler info (remoteAddr) to fetch as the second argument, which Hono makes c.env.
  socketAddress: (c) => (c.env as Deno.ServeHandlerInfo<Deno.NetAddr>).remoteAddr.hostname,
})
if (!booted.ok) {
  console.error(booted.message)
  Deno.exit(1)
}
const { config, app } = booted
for (const warning of config.warnings) console.warn(`Warning: ${warning}`)

Deno.serve(
  {
    hostname: config.hostname,
    port: config.port,
    onListen: ({ port }) => console.log(listeningLine(config, port, `Deno ${Deno.version.deno}`)),
  },
  app.fetch,
)
