// Where each runtime's server listens (issue 10, finding 5): development on 127.0.0.1 unless HOST says
// otherwise, production on every interface unless HOST says otherwise; and what it says at start-up.
import { describe, expect, test } from 'bun:test'
import { networkInterfaces } from 'node:os'
import { RUNTIMES } from '../support/runtimes.ts'
import type { RunningServer } from '../support/server.ts'

const STARTUP = 90_000
const SECRET = 'host-test-secret-0123456789-abcdefghijk'

/** An IPv4 address of this machine other than loopback: reachable only when the server listens on every interface. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal)?.address

async function reach(host: string, server: RunningServer): Promise<number | 'refused'> {
  const port = new URL(server.url).port
  return fetch(`http://${host}:${port}/login`).then(
    (res) => res.status,
    () => 'refused' as const,
  )
}

async function started(runtime: 'bun' | 'node' | 'deno', env: Record<string, string>) {
  const server = await RUNTIMES[runtime](env)
  try {
    return { output: server.output(), loopback: await reach('127.0.0.1', server), outside: external === undefined ? undefined : await reach(external, server) }
  } finally {
    await server.stop()
  }
}

describe.each(['bun', 'node', 'deno'] as const)('%s', (runtime) => {
  test(
    'development: 127.0.0.1 only, and the demo account is announced; HOST=0.0.0.0 opens every interface; production listens everywhere',
    async () => {
      // One after another: the Node script rebuilds out/node.js each time it starts.
      const dev = await started(runtime, {})
      const open = await started(runtime, { HOST: '0.0.0.0', SESSION_SECRET: SECRET })
      const production = await started(runtime, { NODE_ENV: 'production', SESSION_SECRET: SECRET })
      expect(dev.output).toMatch(/Listening on http:\/\/127\.0\.0\.1:\d+\/ \(this address only; development, /)
      expect(dev.output).toContain('Warning: The demo account "user" / "password" can log in (DEMO_USER=false removes it).')
      expect(dev.loopback).toBe(200)
      expect(open.output).toMatch(/Listening on http:\/\/localhost:\d+\/ \(every interface; development, /)
      expect(open.loopback).toBe(200)
      expect(production.output).toMatch(/Listening on http:\/\/localhost:\d+\/ \(every interface; production, /)
      expect(production.output).not.toContain('demo account')
      expect(production.loopback).toBe(200)
      if (external === undefined) return console.warn('No non-loopback IPv4 address here: reachability from outside not checked')
      expect(dev.outside).toBe('refused')
      expect(open.outside).toBe(200)
      expect(production.outside).toBe(200)
    },
    STARTUP,
  )
})
