// Bench-only instrumentation, the same on every runtime and for every variant: counts WebCrypto
// calls from outside the library (so the token cache's hit rate is measured, not taken on trust) and
// answers two extra routes. A route check per request is the only cost, paid by every variant alike.
//   GET /__bench/stats  {requests, sign, verify, encrypt, decrypt, counting, rssMb, heapMb}
//   GET /__bench/gc     a full garbage collection where the runtime allows it, then the stats
import type { BenchEnv, Build, Fetchable } from './shared.ts'

const OPERATIONS = ['sign', 'verify', 'encrypt', 'decrypt'] as const
type Operation = (typeof OPERATIONS)[number]
const counts: Record<Operation | 'requests', number> = { requests: 0, sign: 0, verify: 0, encrypt: 0, decrypt: 0 }
let counting = false

/** Wraps crypto.subtle's sign, verify, encrypt and decrypt with counters. Call before the app is built. */
export function countCrypto(): void {
  if (counting) return
  const subtle = crypto.subtle as unknown as Record<Operation, (...args: unknown[]) => Promise<unknown>>
  let installed = 0
  for (const name of OPERATIONS) {
    const original = subtle[name]
    const counted = function (this: unknown, ...args: unknown[]) {
      counts[name]++
      return original.apply(crypto.subtle, args)
    }
    try {
      subtle[name] = counted
      if (subtle[name] === counted) installed++
    } catch {
      // A runtime that freezes SubtleCrypto: reported as counting=false.
    }
  }
  counting = installed === OPERATIONS.length
}

type Runtime = { gc?: () => void; memory?: () => { rss: number; heapUsed: number } }

function stats(runtime: Runtime): Response {
  const memory = runtime.memory?.()
  return Response.json({
    bench: 'hono-jwt-session',
    ...counts,
    counting,
    rssMb: memory ? memory.rss / 2 ** 20 : null,
    heapMb: memory ? memory.heapUsed / 2 ** 20 : null,
  })
}

/** The app with the bench routes in front, counting every other request. */
export function withBenchRoutes(app: Fetchable, runtime: Runtime): Fetchable {
  return {
    fetch(request: Request, ...rest: unknown[]) {
      if (request.url.includes('/__bench/')) {
        if (request.url.endsWith('/__bench/gc')) runtime.gc?.()
        return stats(runtime)
      }
      counts.requests++
      return app.fetch(request, ...rest)
    },
  }
}

/** Counters on, then the variant built (once) and wrapped: what every launcher does. */
export async function buildForBench(build: Build, env: BenchEnv, runtime: Runtime): Promise<Fetchable> {
  countCrypto()
  return withBenchRoutes(await build(env), runtime)
}
