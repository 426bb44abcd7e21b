import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import { takeFarewell } from '../farewell.ts'
import { viewCart } from '../shop/cart.ts'
import { readCart } from '../visitor.ts'
import { layout, type Html } from './layout.ts'

/** A full HTML page; shows (and so removes) the flash messages unless told not to. */
export function renderPage(c: Context<AppEnv>, title: string, content: Html, status: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 500 = 200, { showFlashes = true } = {}) {
  const s = c.var.session
  const chrome = {
    title,
    // Display only: authorization (checkout, /api/me) looks the user up in the store.
    userName: s.has('userId') ? s.get('username') : undefined,
    cartCount: viewCart(readCart(s)).itemCount,
    flashes: showFlashes ? [...takeFarewell(c), ...s.takeFlashes()] : [],
  }
  return c.html(layout(chrome, content), status)
}
