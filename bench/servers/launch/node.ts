// Node: @hono/node-server on loopback. Node 20 cannot strip types, so bench/runtimes.ts bundles the
// entry with `bun build --target=node` and runs the bundle with plain `node --expose-gc`.
import { serve } from '@hono/node-server'
import type { BenchEnv, Build } from '../shared.ts'
import { buildForBench } from '../stats.ts'

export function launch(build: Build, env: BenchEnv): void {
  const gc = (globalThis as { gc?: () => void }).gc
  buildForBench(build, env, { gc, memory: () => process.memoryUsage() }).then(
    (app) => {
      serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
        console.log(`Listening on http://127.0.0.1:${info.port}/ (Node ${process.version})`)
      })
    },
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
