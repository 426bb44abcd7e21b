import { Hono } from 'hono'
import { getSession, session, type SessionEnv } from 'hono-jwt-session'
interface CartItem { productId: string; quantity: number }
interface AppSession { username?: string; userId?: number; cart?: CartItem[] }
const app = new Hono<SessionEnv<AppSession>>()
app.use(session<AppSession>({ secret: 'x'.repeat(32) }))
app.get('/', (c) => {
  const s = c.var.session
  const n: string | undefined = s.get('username')
  const cart = s.get('cart', [])
  cart.push({ productId: 'a', quantity: 1 })
  s.set('username', 'u')
  // @ts-expect-error wrong type
  s.set('username', 3)
  // @ts-expect-error unknown key
  s.get('nope')
  return c.text(n ?? '')
})
interface Bad { when?: Date }
// @ts-expect-error Date is not JSON
session<Bad>({ secret: 'x'.repeat(32) })
interface Bad2 { f?: () => void }
// @ts-expect-error function is not JSON
session<Bad2>({ secret: 'x'.repeat(32) })

// getSession(c) infers the session shape from the app's environment, Bindings included (Workers).
type Bindings = { SESSION_SECRET: string }
const worker = new Hono<{ Bindings: Bindings } & SessionEnv<AppSession>>()
worker.use(session<AppSession, { Bindings: Bindings }>((c) => ({ secret: c.env.SESSION_SECRET })))
worker.get('/', (c) => {
  const s = getSession(c)
  const name: string | undefined = s.get('username')
  // @ts-expect-error wrong type
  s.set('username', 3)
  // @ts-expect-error unknown key
  s.get('nope')
  return c.text(name ?? '')
})
