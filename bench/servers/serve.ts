// Serves one benchmark variant on PORT (0: a free port) and says where, like the app's entries.
import type { Hono } from 'hono'

export const SECRET = 'bench-secret-0123456789-abcdefghijklmnop'
export const IDLE = 1800

export function serve(app: Hono<any>): void {
  const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', fetch: app.fetch })
  console.log(`Listening on ${server.url}`)
}
