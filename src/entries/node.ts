// Node entry (@hono/node-server). `bun run start:node` bundles this file for Node with `bun build` and runs it.
import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { boot, listeningLine } from '../app/boot.ts'

// @hono/node-server's helper reads the incoming request's socket (c.env.incoming.socket.remoteAddress).
const booted = boot(process.env, { socketAddress: (c) => getConnInfo(c).remote.address })
if (!booted.ok) {
  console.error(booted.message)
  process.exit(1)
}
const { config, app } = booted
for (const warning of config.warnings) console.warn(`Warning: ${warning}`)

serve({ fetch: app.fetch, hostname: config.hostname, port: config.port }, (info) => {
  console.log(listeningLine(config, info.port, `Node ${process.version}`))
})
