import { Hono } from 'hono'
import type { UserStore } from '../auth/users.ts'
import type { AppEnv } from '../env.ts'
import { sayFarewell } from '../farewell.ts'
import { formNumber, readForm } from '../http/input.ts'
import { addToCart, CATALOGUE, checkProduct, checkQuantity, setInCart, viewCart } from '../shop/cart.ts'
import { formatPrice } from '../shop/catalogue.ts'
import { placeOrder } from '../shop/orders.ts'
import { cartPage, homePage, loginPage, productsPage } from '../views/pages.ts'
import { renderPage } from '../views/render.ts'
import { currentUser, logIn, readCart, writeCart } from '../visitor.ts'

export interface PageDeps {
  users: UserStore
  /** Whether cookies the pages set themselves carry Secure, like the session cookie. */
  secureCookies: boolean
  /** Whether the login page mentions the demo account. */
  demoHint: boolean
  now: () => Date
}

/** The HTML site: every action is a plain form post answered with 303 (works without JavaScript). */
export function pageRoutes({ users, demoHint, now, secureCookies }: PageDeps) {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const user = await currentUser(c, users)
      return renderPage(c, 'Home', homePage(user?.name, viewCart(readCart(c.var.session))))
    })
    .get('/login', (c) => renderPage(c, 'Log in', loginPage({ demoHint })))
    .post('/login', async (c) => {
      const form = await readForm(c)
      const user = await users.authenticate(form.username ?? '', form.password ?? '')
      if (user === undefined) {
        const page = loginPage({ error: 'Invalid user name or password.', demoHint, username: form.username })
        return renderPage(c, 'Log in', page, 401)
      }
      logIn(c.var.session, user)
      c.var.session.flash(`Logged in as ${user.name}.`, 'success')
      return c.redirect('/', 303)
    })
    .post('/logout', (c) => {
      // Everything goes: user, cart, id; the session cookie is deleted. The goodbye cannot live in a
      // session that no longer exists, so it rides in a flag cookie of its own (see farewell.ts).
      c.var.session.clear()
      sayFarewell(c, { secure: secureCookies })
      return c.redirect('/', 303)
    })
    .get('/products', (c) => renderPage(c, 'Products', productsPage(CATALOGUE)))
    .get('/cart', async (c) => {
      const user = await currentUser(c, users)
      return renderPage(c, 'Cart', cartPage(viewCart(readCart(c.var.session)), user !== undefined))
    })
    .post('/cart/items', async (c) => {
      const form = await readForm(c)
      const product = checkProduct(form.productId)
      const quantity = checkQuantity(formNumber(form.quantity) ?? 1, { allowZero: false })
      writeCart(c.var.session, addToCart(readCart(c.var.session), product, quantity))
      c.var.session.flash(`Added ${quantity} × ${product.name} to your cart.`, 'success')
      return c.redirect('/cart', 303)
    })
    .post('/cart/items/:productId', async (c) => {
      const form = await readForm(c)
      const product = checkProduct(c.req.param('productId'))
      const quantity = checkQuantity(formNumber(form.quantity), { allowZero: true })
      writeCart(c.var.session, setInCart(readCart(c.var.session), product, quantity))
      return c.redirect('/cart', 303)
    })
    .post('/cart/items/:productId/remove', (c) => {
      const product = checkProduct(c.req.param('productId'))
      writeCart(c.var.session, setInCart(readCart(c.var.session), product, 0))
      return c.redirect('/cart', 303)
    })
    .post('/cart/checkout', async (c) => {
      const user = await currentUser(c, users)
      if (user === undefined) {
        c.var.session.flash('Log in to check out; your cart is kept.', 'info')
        return c.redirect('/login', 303)
      }
      const order = placeOrder(user, readCart(c.var.session), now())
      writeCart(c.var.session, [])
      c.var.session.flash(`Thank you! Order ${order.id} is placed: ${order.itemCount} items, ${formatPrice(order.total)}.`, 'success')
      return c.redirect('/', 303)
    })
}
