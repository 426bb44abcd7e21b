// The four runtimes, each started by its package.json script as the README documents it; add a runtime
// here and every test in test/runtimes/ runs on it.
import { startServer, type RunningServer } from './server.ts'

export type RuntimeName = 'bun' | 'node' | 'deno' | 'workers'

/**
 * Each runtime started exactly as the README says (its package.json script), on a free loopback port.
 * Workers run in workerd through `wrangler dev`, configured with --var instead of the environment.
 */
export const RUNTIMES: Record<RuntimeName, (env: Record<string, string>) => Promise<RunningServer>> = {
  bun: (env) => startServer(['bun', 'run', 'start'], env),
  node: (env) => startServer(['bun', 'run', 'start:node'], env),
  deno: (env) => startServer(['bun', 'run', 'start:deno'], env),
  workers: (env) =>
    startServer(
      ['bun', 'run', 'dev:worker', '--port', '0', '--ip', '127.0.0.1', ...Object.entries(env).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
      { WRANGLER_SEND_METRICS: 'false' },
      60_000,
    ),
}

export const RUNTIME_NAMES = Object.keys(RUNTIMES) as RuntimeName[]
