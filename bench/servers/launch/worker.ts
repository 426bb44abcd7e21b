// workerd (wrangler dev): a module Worker. The variant is built on the isolate's first request, since
// a Worker may not do crypto at global scope; a failure answers 500 with the reason in the body.
import type { BenchEnv, Build, Fetchable } from '../shared.ts'
import { buildForBench } from '../stats.ts'

export const BUILD_FAILED = 'the variant did not build: '

export function launch(build: Build, env: BenchEnv) {
  let building: Promise<Fetchable> | undefined
  let app: Fetchable | undefined
  return {
    fetch(request: Request, bindings: unknown, ctx: unknown): Response | Promise<Response> {
      if (app !== undefined) return app.fetch(request, bindings, ctx)
      building ??= buildForBench(build, env, {})
      return building.then(
        (built) => (app = built).fetch(request, bindings, ctx),
        (error: unknown) => new Response(`${BUILD_FAILED}${String(error)}`, { status: 500 }),
      )
    },
  }
}
