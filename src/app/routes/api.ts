import { Hono } from 'hono'
import type { UserStore } from '../auth/users.ts'
import type { AppEnv } from '../env.ts'
import { readJsonObject } from '../http/input.ts'
import { addToCart, CartError, CATALOGUE, checkProduct, checkQuantity, setInCart, viewCart } from '../shop/cart.ts'
import { placeOrder } from '../shop/orders.ts'
import { currentUser, readCart, writeCart } from '../visitor.ts'

export interface ApiDeps {
  users: UserStore
  now: () => Date
}

/** The JSON API. Every error is `{"error": "..."}` (see the app's error handler); input is checked before the session changes. */
export function apiRoutes({ users, now }: ApiDeps) {
  return new Hono<AppEnv>()
    .get('/me', async (c) => {
      const user = await currentUser(c, users)
      return user === undefined ? c.json({ error: 'Not logged in' }, 401) : c.json({ user: { id: user.id, name: user.name } })
    })
    .get('/products', (c) => c.json(CATALOGUE))
    .get('/cart', (c) => c.json(viewCart(readCart(c.var.session))))
    .post('/cart/items', async (c) => {
      const body = await readJsonObject(c)
      const product = checkProduct(body.productId)
      const quantity = checkQuantity(body.quantity === undefined ? 1 : body.quantity, { allowZero: false })
      const lines = addToCart(readCart(c.var.session), product, quantity)
      writeCart(c.var.session, lines)
      return c.json(viewCart(lines))
    })
    .put('/cart/items/:productId', async (c) => {
      const body = await readJsonObject(c)
      const product = checkProduct(c.req.param('productId'))
      const lines = setInCart(readCart(c.var.session), product, checkQuantity(body.quantity, { allowZero: true }))
      writeCart(c.var.session, lines)
      return c.json(viewCart(lines))
    })
    .delete('/cart/items/:productId', (c) => {
      const product = checkProduct(c.req.param('productId'))
      const lines = setInCart(readCart(c.var.session), product, 0)
      writeCart(c.var.session, lines)
      return c.json(viewCart(lines))
    })
    .post('/cart/checkout', async (c) => {
      const user = await currentUser(c, users)
      if (user === undefined) throw new CartError(401, 'Log in to check out')
      const order = placeOrder(user, readCart(c.var.session), now())
      writeCart(c.var.session, [])
      return c.json({ order })
    })
}
