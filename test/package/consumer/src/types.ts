// Compile-time checks of the typed session, against the installed declarations. Each
// `@ts-expect-error` below must fire: the package check also compiles this file with the
// directives blanked out and requires an error on exactly the line after each one.
import { Hono } from 'hono'
import { getSession, session, type Session, type SessionEnv, type SessionOptions } from 'hono-jwt-session'
import { CookieJar, sessionCookie, TestClock } from 'hono-jwt-session/testing'
import type { AppSession } from './app.ts'

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false
function expectType<T extends true>(): T | undefined {
  return undefined
}

const secret = 'a consumer test secret of at least 32 bytes'
const options: SessionOptions = { secret, cookie: { secure: false } }

// The session's type flows from the middleware into c.var.session.
const chained = new Hono().use(session<AppSession>(options)).get('/', (c) => {
  const s = c.var.session
  expectType<Equal<typeof s, Session<AppSession>>>()
  return c.text('')
})
void chained

const app = new Hono<SessionEnv<AppSession>>()
app.use(session<AppSession>(options))
app.get('/', (c) => {
  const s = c.var.session
  const username = s.get('username')
  expectType<Equal<typeof username, string | undefined>>()
  const visits: number = s.get('visits', 0)
  const cart = s.setdefault('cart', [])
  cart.push({ productId: 'p1', quantity: 1 })
  const first = cart[0] // noUncheckedIndexedAccess: possibly undefined
  expectType<Equal<typeof first, { productId: string; quantity: number } | undefined>>()
  s.set('visits', visits + 1)
  s.set('username', 'ada')
  expectType<Equal<ReturnType<typeof getSession<AppSession>>, Session<AppSession>>>()

  // @ts-expect-error a wrong value type: visits is a number
  s.set('visits', 'many')
  // @ts-expect-error a wrong value type inside an array
  s.set('cart', [{ productId: 'p1', quantity: '1' }])
  // @ts-expect-error an unknown key
  s.get('nope')
  // @ts-expect-error an unknown key
  s.set('nope', 1)
  // @ts-expect-error undefined is not a value: delete the key instead
  s.set('username', undefined)
  // @ts-expect-error the default of a number is a number
  const wrong: string = s.get('visits', 0)
  void wrong
  return c.text('')
})

interface WithDate {
  username?: string
  when?: Date
}
// @ts-expect-error a session shape that is not JSON: a Date property
session<WithDate>(options)
// @ts-expect-error a session shape that is not JSON: a Date property
export type DateEnv = SessionEnv<WithDate>

interface WithFunction {
  callback?: () => void
}
// @ts-expect-error a session shape that is not JSON: a function property
session<WithFunction>(options)

// The testing helpers: typed data for sessionCookie(), a CookieJar, a TestClock.
const clock = new TestClock()
const jar = new CookieJar().set(await sessionCookie<AppSession>({ ...options, clock: clock.now }, { username: 'grace' }))
const header: string | undefined = jar.header()
void header
// @ts-expect-error sessionCookie() data must fit the session type
await sessionCookie<AppSession>(options, { visits: 'many' })
