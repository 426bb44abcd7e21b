import { Hono } from 'hono'
import { currentUser } from '../auth/login.ts'
import type { UserStore } from '../auth/users.ts'
import type { AppEnv } from '../env.ts'
import { readJsonObject } from '../http/input.ts'
import { Cart, CartError, checkProduct, checkQuantity } from '../shop/cart.ts'
import { CATALOGUE } from '../shop/catalogue.ts'

export interface ApiDeps {
  users: UserStore
  now: () => Date
}

/** The JSON API. Every error is `{"error": "..."}` (see the app's error handler); input is checked before the session changes. */
export function apiRoutes({ users, now }: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/me', async (c) => {
      const user = await currentUser(c.var.session, users)
      return user === undefined ? c.json({ error: 'Not logged in' }, 401) : c.json({ user: { id: user.id, name: user.name } })
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
