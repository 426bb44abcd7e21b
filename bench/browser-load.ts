// A load generator for the browser-like scenario, where every response must be tied to its request:
// each user sends back the cookie it was last given, as a browser does, so the token the server just
// reissued is the one that comes back. wrk cannot do this with several connections per thread (its
// Lua response() is not told which connection or request it belongs to), so this is one Bun process
// holding keep-alive HTTP/1.1 connections (Bun.connect, hand-written requests, a minimal response
// parser: Content-Length or chunked). Users are split among connections (user i on connection
// i mod C), each connection has one request in flight, so a user never has two.
//
// Usage: bun bench/browser-load.ts --url=http://127.0.0.1:PORT --jar=FILE --duration=S [--requests=N]
//        [--connections=50] [--path=/test/session/check] [--expect="Logged in as user"] [--warmup=S]
// FILE holds one Cookie header per user (one line each); it is rewritten with the users' cookies at the
// end, so the next run carries on where this one stopped. The last stdout line is the result as JSON.
import { readFileSync, writeFileSync } from 'node:fs'

export interface BrowserLoadResult {
  requests: number
  seconds: number
  rps: number
  p50: number
  p99: number
  /** Answers other than 200 with the expected body (a lost session answers "You are not logged in"). */
  errors: number
  /** Requests sent with a cookie (the denominator of the token cache's hit rate). */
  withCookie: number
  /** Responses that set the session cookie again. */
  reissued: number
  /** CPU of this process per request, µs: what the load generator itself costs. */
  clientCpuUs: number
  samples: string[]
}

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/=.*/, ''), a.includes('=') ? a.slice(a.indexOf('=') + 1) : 'true']))

const DELETION_HINT = /;\s*(max-age|expires)=/i

/** Applies one Set-Cookie header to a Cookie header, as a browser's jar would (deletion included). */
export function applySetCookie(cookieHeader: string, setCookie: string): string {
  const [pair = '', ...attributes] = setCookie.split(';')
  const eq = pair.indexOf('=')
  const name = pair.slice(0, eq).trim()
  const value = pair.slice(eq + 1).trim()
  const deleted =
    value === '' ||
    (DELETION_HINT.test(setCookie) &&
    attributes.some((a) => {
      const [k = '', v = ''] = a.trim().split('=')
      const key = k.toLowerCase()
      return (key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v) <= Date.now())
    }))
  const others = cookieHeader === '' ? [] : cookieHeader.split('; ').filter((c) => c.slice(0, c.indexOf('=')) !== name)
  if (!deleted) others.push(`${name}=${value}`)
  return others.join('; ')
}

interface Parsed {
  status: number
  body: string
  setCookies: string[]
  /** Bytes of this response; anything after belongs to the next one. */
  length: number
}

const HEADER_END = Buffer.from('\r\n\r\n')

/** One complete response at the start of buf, or undefined if more bytes are needed. */
function parse(buf: Buffer): Parsed | undefined {
  const end = buf.indexOf(HEADER_END)
  if (end < 0) return undefined
  const head = buf.toString('latin1', 0, end)
  const lines = head.split('\r\n')
  const status = Number(lines[0]!.split(' ')[1])
  let contentLength = -1
  let chunked = false
  const setCookies: string[] = []
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).toLowerCase()
    if (name === 'set-cookie') setCookies.push(line.slice(colon + 1).trim())
    else if (name === 'content-length') contentLength = Number(line.slice(colon + 1))
    else if (name === 'transfer-encoding') chunked = line.slice(colon + 1).toLowerCase().includes('chunked')
  }
  const start = end + 4
  if (!chunked) {
    const length = Math.max(contentLength, 0)
    if (buf.length < start + length) return undefined
    return { status, body: buf.toString('utf8', start, start + length), setCookies, length: start + length }
  }
  let at = start
  let body = ''
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at)
    if (lineEnd < 0) return undefined
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16)
    if (buf.length < lineEnd + 2 + size + 2) return undefined
    if (size === 0) return { status, body, setCookies, length: lineEnd + 4 }
    body += buf.toString('utf8', lineEnd + 2, lineEnd + 2 + size)
    at = lineEnd + 2 + size + 2
  }
}

export async function browserLoad(options: {
  url: string
  jar: string[]
  seconds: number
  /** Stop after this many requests (sent in all), if it comes before the deadline. */
  requests?: number
  connections: number
  path: string
  expect: string
}): Promise<BrowserLoadResult> {
  const { hostname, port } = new URL(options.url)
  const jar = options.jar
  const latencies: number[] = []
  const result = { requests: 0, errors: 0, withCookie: 0, reissued: 0, samples: [] as string[] }
  const problem = (text: string) => {
    result.errors++
    if (result.samples.length < 5) result.samples.push(text)
  }
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const limit = options.requests ?? Number.POSITIVE_INFINITY
  let sent = 0

  const connection = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const users: number[] = []
      for (let u = index; u < jar.length; u += options.connections) users.push(u)
      let user = -1
      let sentAt = 0
      let pending: Buffer | undefined
      let finished = false
      const finish = (socket?: { end(): void }) => {
        if (finished) return
        finished = true
        socket?.end()
        resolve()
      }
      const send = (socket: { write(data: string): number }) => {
        if (sent >= limit || performance.now() >= deadline || users.length === 0) return finish(socket as never)
        sent++
        user = users[Math.floor(Math.random() * users.length)]!
        const cookie = jar[user]!
        if (cookie !== '') result.withCookie++
        const request = `GET ${options.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${cookie === '' ? '' : `Cookie: ${cookie}\r\n`}\r\n`
        sentAt = performance.now()
        // Requests are a few hundred bytes: the kernel takes them whole.
        if (socket.write(request) !== request.length) return reject(new Error('a request was not written whole'))
      }
      Bun.connect({
        hostname,
        port: Number(port),
        socket: {
          open: (socket) => send(socket),
          data(socket, data) {
            pending = pending === undefined ? data : Buffer.concat([pending, data])
            const response = parse(pending)
            if (response === undefined) return
            pending = response.length < pending.length ? pending.subarray(response.length) : undefined
            latencies.push(performance.now() - sentAt)
            result.requests++
            if (response.status !== 200 || response.body !== options.expect) problem(`HTTP ${response.status}: ${response.body.slice(0, 80)}`)
            if (response.setCookies.length > 0) {
              result.reissued++
              let cookie = jar[user]!
              for (const set of response.setCookies) cookie = applySetCookie(cookie, set)
              jar[user] = cookie
            }
            send(socket)
          },
          close(socket) {
            if (!finished) {
              problem('the server closed a connection')
              finish(socket)
            }
          },
          error(_socket, error) {
            reject(error)
          },
          connectError(_socket, error) {
            reject(error)
          },
        },
      }).catch(reject)
    })

  await Promise.all(Array.from({ length: options.connections }, (_, i) => connection(i)))
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return {
    ...result,
    seconds,
    rps: result.requests / seconds,
    p50: at(0.5),
    p99: at(0.99),
    clientCpuUs: (cpu.user + cpu.system) / result.requests,
  }
}

if (import.meta.main) {
  const file = args.get('--jar')!
  const jar = readFileSync(file, 'utf8').split('\n').slice(0, -1)
  const common = {
    url: args.get('--url')!,
    jar,
    connections: Number(args.get('--connections') ?? 50),
    path: args.get('--path') ?? '/test/session/check',
    expect: args.get('--expect') ?? 'Logged in as user',
  }
  const warmup = Number(args.get('--warmup') ?? 0)
  if (warmup > 0) await browserLoad({ ...common, seconds: warmup })
  const requests = args.has('--requests') ? { requests: Number(args.get('--requests')) } : {}
  const result = await browserLoad({ ...common, ...requests, seconds: Number(args.get('--duration') ?? 10) })
  writeFileSync(file, jar.join('\n') + '\n')
  console.log(JSON.stringify(result))
}
