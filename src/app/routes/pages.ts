import { Hono, type Context } from 'hono'
import { currentUser, logIn, logOut } from '../auth/login.ts'
import type { LoginGuard } from '../auth/login-guard.ts'
import type { UserStore } from '../auth/users.ts'
import type { AppEnv } from '../env.ts'
import { formNumber, readForm } from '../http/input.ts'
import { sayFarewell, takeMessages } from '../messages.ts'
import { Cart, checkProduct, checkQuantity } from '../shop/cart.ts'
import { CATALOGUE, formatPrice } from '../shop/catalogue.ts'
import { cartPage, homePage, loginPage, productsPage } from '../views/pages.ts'
import { renderPage } from '../views/render.ts'

export interface PageDeps {
  users: UserStore
  /** Whether cookies the pages set themselves carry Secure, like the session cookie. */
  secureCookies: boolean
  /** Whether the login page mentions the demo account. */
  demoHint: boolean
  now: () => Date
  /** Throttles login attempts and bounds the password checks running at once. */
  guard: LoginGuard
  /** The key a request's client is throttled by (see client-address.ts). */
  addressOf: (c: Context) => string
  /** Whether logout can end the user's other sessions (revocation is on). */
  everywhere: boolean
}

/** "Try again in 5 seconds." / "in 3 minutes." */
function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`
  return `${Math.ceil(seconds / 60)} minutes`
}

/** The HTML site: every action is a plain form post answered with 303 (works without JavaScript). */
export function pageRoutes({ users, demoHint, now, secureCookies, guard, addressOf, everywhere: revocation }: PageDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const user = await currentUser(c.var.session, users)
      const content = homePage(user?.name, new Cart(c.var.session).view(), { everywhere: revocation })
      return renderPage(c, { title: 'Home', content, messages: takeMessages(c) })
    })
    .get('/login', (c) => renderPage(c, { title: 'Log in', content: loginPage({ demoHint }), messages: takeMessages(c) }))
    .post('/login', async (c) => {
      const form = await readForm(c)
      const name = form.username ?? ''
      const outcome = await guard.attempt(addressOf(c), name, () => users.authenticate(name, form.password ?? ''))
      if (!outcome.ok) {
        c.header('Retry-After', String(outcome.retryAfterSeconds))
        const error =
          outcome.status === 429
            ? `Too many login attempts. Try again in ${waitText(outcome.retryAfterSeconds)}.`
            : 'The server is busy checking other logins. Try again in a moment.'
        const content = loginPage({ error, demoHint, username: form.username })
        return renderPage(c, { title: 'Log in', content, status: outcome.status, messages: takeMessages(c) })
      }
      const user = outcome.result
      if (user === undefined) {
        const content = loginPage({ error: 'Invalid user name or password.', demoHint, username: form.username })
        return renderPage(c, { title: 'Log in', content, status: 401, messages: takeMessages(c) })
      }
      logIn(c.var.session, user)
      c.var.session.flash(`Logged in as ${user.name}.`, 'success')
      return c.redirect('/', 303)
    })
    .post('/logout', async (c) => {
      // The header's button posts an empty form; the home page's "on all devices" one adds `everywhere`.
      const everywhere = c.req.header('content-type') !== undefined && (await readForm(c)).everywhere !== undefined
      logOut(c.var.session, { everywhere, revocation })
      // The goodbye cannot live in a session that no longer exists: it rides in a flag cookie (messages.ts).
      sayFarewell(c, secureCookies)
      return c.redirect('/', 303)
    })
    .get('/products', (c) => renderPage(c, { title: 'Products', content: productsPage(CATALOGUE), messages: takeMessages(c) }))
    .get('/cart', async (c) => {
      const user = await currentUser(c.var.session, users)
      const content = cartPage(new Cart(c.var.session).view(), user !== undefined)
      return renderPage(c, { title: 'Cart', content, messages: takeMessages(c) })
    })
    .post('/cart/items', async (c) => {
      const form = await readForm(c)
      const product = checkProduct(form.productId)
      const quantity = checkQuantity(formNumber(form.quantity) ?? 1, { allowZero: false })
      new Cart(c.var.session).add(product, quantity)
      c.var.session.flash(`Added ${quantity} × ${product.name} to your cart.`, 'success')
      return c.redirect('/cart', 303)
    })
    .post('/cart/items/:productId', async (c) => {
      const form = await readForm(c)
      const product = checkProduct(c.req.param('productId'))
      new Cart(c.var.session).set(product, checkQuantity(formNumber(form.quantity), { allowZero: true }))
      return c.redirect('/cart', 303)
    })
    .post('/cart/items/:productId/remove', (c) => {
      new Cart(c.var.session).remove(checkProduct(c.req.param('productId')))
      return c.redirect('/cart', 303)
    })
    .post('/cart/checkout', async (c) => {
      const user = await currentUser(c.var.session, users)
      if (user === undefined) {
        c.var.session.flash('Log in to check out; your cart is kept.', 'info')
        return c.redirect('/login', 303)
      }
      const order = new Cart(c.var.session).checkout(user, now())
      c.var.session.flash(`Thank you! Order ${order.id} is placed: ${order.itemCount} items, ${formatPrice(order.total)}.`, 'success')
      return c.redirect('/', 303)
    })
}
