// Bun: Bun.serve on loopback.
import type { BenchEnv, Build } from '../shared.ts'
import { buildForBench } from '../stats.ts'

export function launch(build: Build, env: BenchEnv): void {
  buildForBench(build, env, { gc: () => Bun.gc(true), memory: () => process.memoryUsage() }).then(
    (app) => {
      const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', fetch: app.fetch })
      console.log(`Listening on ${server.url} (Bun ${Bun.version})`)
    },
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
