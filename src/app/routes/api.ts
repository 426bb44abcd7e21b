import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { currentUser, logOut } from '../auth/login.ts'
import type { UserStore } from '../auth/users.ts'
import type { AppEnv } from '../env.ts'
import { isCrossSite } from '../http/cross-site.ts'
import { readJsonObject } from '../http/input.ts'
import { Cart, CartError, checkProduct, checkQuantity } from '../shop/cart.ts'
import { CATALOGUE } from '../shop/catalogue.ts'

export interface ApiDeps {
  users: UserStore
  now: () => Date
  /** Whether logout can end the user's other sessions (revocation is on). */
  everywhere: boolean
}

/** The JSON API. Every error is `{"error": "..."}` (see the app's error handler); input is checked before the session changes. */
export function apiRoutes({ users, now, everywhere: revocation }: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/me', async (c) => {
      const user = await currentUser(c.var.session, users)
      return user === undefined ? c.json({ error: 'Not logged in' }, 401) : c.json({ user: { id: user.id, name: user.name } })
    })
    .post('/logout', async (c) => {
      // No body is needed, so csrf() (which looks at form bodies) cannot tell a forged one: ask the browser.
      if (isCrossSite(c)) throw new HTTPException(403, { message: 'Forbidden: cross-site requests are refused' })
      const hasBody = c.req.header('content-type') !== undefined || (c.req.header('content-length') ?? '0') !== '0'
      const everywhere = hasBody ? (await readJsonObject(c)).everywhere ?? false : false
      if (typeof everywhere !== 'boolean') throw new HTTPException(400, { message: 'everywhere must be true or false' })
      logOut(c.var.session, { everywhere, revocation })
      return c.body(null, 204)
    })
    .get('/products', (c) => c.json(CATALOGUE))
    .get('/cart', (c) => c.json(new Cart(c.var.session).view()))
    .post('/cart/items', async (c) => {
      const body = await readJsonObject(c)
      const product = checkProduct(body.productId)
      const quantity = checkQuantity(body.quantity === undefined ? 1 : body.quantity, { allowZero: false })
      return c.json(new Cart(c.var.session).add(product, quantity))
    })
    .put('/cart/items/:productId', async (c) => {
      const body = await readJsonObject(c)
      const product = checkProduct(c.req.param('productId'))
      const quantity = checkQuantity(body.quantity, { allowZero: true })
      return c.json(new Cart(c.var.session).set(product, quantity))
    })
    .delete('/cart/items/:productId', (c) => {
      const product = checkProduct(c.req.param('productId'))
      return c.json(new Cart(c.var.session).remove(product))
    })
    .post('/cart/checkout', async (c) => {
      const user = await currentUser(c.var.session, users)
      if (user === undefined) throw new CartError(401, 'Log in to check out')
      return c.json({ order: new Cart(c.var.session).checkout(user, now()) })
    })
}
