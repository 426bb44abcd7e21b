import type { Context } from 'hono'
import type { FlashMessage, Session } from 'hono-jwt-session'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv, AppSession } from '../env.ts'
import { Cart } from '../shop/cart.ts'
import { layout, type Html } from './layout.ts'

export interface Page {
  title: string
  content: Html
  status?: ContentfulStatusCode
  /** One-time messages to show above the content; the caller takes them (see messages.ts). */
  messages?: readonly FlashMessage[]
}

/**
 * A full HTML page: the header shows who is logged in and the cart's size, read from the session. An
 * error page for a request whose session could not be opened (the revocation store is down) has none,
 * and shows the anonymous header.
 */
export function renderPage(c: Context<AppEnv>, page: Page) {
  // Typed as always there; absent when the session middleware failed before setting it.
  const s: Session<AppSession> | undefined = c.get('session')
  const chrome = {
    title: page.title,
    // Display only: authorization (checkout, /api/me) looks the user up in the store.
    userName: s?.subject === undefined ? undefined : s.get('username'),
    cartCount: s === undefined ? 0 : new Cart(s).view().itemCount,
    flashes: page.messages ?? [],
  }
  return c.html(layout(chrome, page.content), page.status ?? 200)
}
