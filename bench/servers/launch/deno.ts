// Deno: Deno.serve on loopback, npm packages resolved from node_modules. Run by bench/runtimes.ts with
// --allow-net=127.0.0.1 --allow-env=PORT and --v8-flags=--expose-gc.
import type { BenchEnv, Build } from '../shared.ts'
import { buildForBench } from '../stats.ts'

// Only what is used here; the project's tsconfig has Bun's types, not Deno's.
declare const Deno: {
  env: { get(name: string): string | undefined }
  version: { deno: string }
  memoryUsage(): { rss: number; heapUsed: number }
  serve(options: { port: number; hostname: string; onListen(addr: { port: number }): void }, handler: (request: Request, info: unknown) => Response | Promise<Response>): unknown
  exit(code: number): never
}

export function launch(build: Build, env: BenchEnv): void {
  const gc = (globalThis as { gc?: () => void }).gc
  buildForBench(build, env, { gc, memory: () => Deno.memoryUsage() }).then(
    (app) => {
      Deno.serve(
        {
          port: Number(Deno.env.get('PORT') ?? 0),
          hostname: '127.0.0.1',
          onListen: ({ port }) => console.log(`Listening on http://127.0.0.1:${port}/ (Deno ${Deno.version.deno})`),
        },
        app.fetch,
      )
    },
    (error: unknown) => {
      console.error(error)
      Deno.exit(1)
    },
  )
}
