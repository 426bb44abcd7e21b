// The Bun entry (src/entries/bun.ts) with one login limit changed, for comparing settings with
// bench/login-flood.sh: QUEUED=0 bash bench/login-flood.sh distributed. Not for serving anything else.
import { boot, listeningLine } from '../src/app/boot.ts'

const queuedChecks = Number(process.env.QUEUED)
if (!Number.isInteger(queuedChecks) || queuedChecks < 0) throw new Error('QUEUED must be a whole number')
const booted = boot(Bun.env, {
  socketAddress: (c) => (c.env as Bun.Server<unknown>).requestIP(c.req.raw)?.address,
  login: { queuedChecks },
})
if (!booted.ok) throw new Error(booted.message)
const server = Bun.serve({ hostname: booted.config.hostname, port: booted.config.port, fetch: booted.app.fetch })
console.log(listeningLine(booted.config, server.port!, `Bun ${Bun.version}, ${queuedChecks} checks may wait`))
