// Bun entry: reads Bun's environment, builds the app, serves it. `bun --hot` re-runs this file.
import { boot, listeningLine } from '../app/boot.ts'
import { generateSecret } from 'hono-jwt-session'

// Kept on globalThis so a hot reload (`bun run dev`) does not log everyone out.
const hot = globalThis as { devSessionSecret?: string }

const booted = boot(Bun.env, {
  generateSecret: () => (hot.devSessionSecret ??= generateSecret()),
  // Bun.serve passes itself to fetch as the second argument, which Hono makes c.env.
  socketAddress: (c) => (c.env as Bun.Server<unknown>).requestIP(c.req.raw)?.address,
})
if (!booted.ok) {
  console.error(booted.message)
  process.exit(1)
}
const { config, app } = booted
for (const warning of config.warnings) console.warn(`Warning: ${warning}`)

const server = Bun.serve({ hostname: config.hostname, port: config.port, fetch: app.fetch })
console.log(listeningLine(config, server.port!, `Bun ${Bun.version}`))
