// `bun readme/visit-twice.ts <program>`: imports a quick start as a test of the user's would, and asks
// its default export (the Hono app) for `/` twice through the package's CookieJar, as one visitor.
// Prints each answer's status, body and the cookie it set, as JSON.
import { CookieJar } from 'hono-jwt-session/testing'

const program = process.argv[2]
if (program === undefined) throw new Error('usage: bun visit-twice.ts <program>')
const { default: app } = (await import(program)) as { default: { request(input: string, init?: RequestInit): Response | Promise<Response> } }
const jar = new CookieJar()
const visits = []
for (let i = 0; i < 2; i++) {
  const res = await jar.request(app, '/')
  visits.push({ status: res.status, text: await res.text(), cookie: res.headers.get('Set-Cookie')?.split(';')[0] })
}
console.log(JSON.stringify(visits))
