// Bun entry: reads Bun's environment, builds the app, serves it. `bun --hot` re-runs this file.
import { createApp } from '../app/app'
import { loadConfig, randomSecret, startupErrorMessage, type ServerConfig } from '../app/config'

// Kept on globalThis so a hot reload (`bun run dev`) does not log everyone out.
const hot = globalThis as { devSessionSecret?: string }

let config: ServerConfig
let app: ReturnType<typeof createApp>
try {
  config = loadConfig(Bun.env, { generateSecret: () => (hot.devSessionSecret ??= randomSecret()) })
  app = createApp(config)
} catch (error) {
  const message = startupErrorMessage(error)
  if (message === undefined) throw error
  console.error(message)
  process.exit(1)
}
for (const warning of config.warnings) console.warn(`Warning: ${warning}`)

const server = Bun.serve({ port: config.port, fetch: app.fetch })
console.log(`Listening on ${server.url} (${config.production ? 'production' : 'development'})`)
