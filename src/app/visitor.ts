import type { Context } from 'hono'
import type { Session } from 'hono-jwt-session'
import type { User, UserStore } from './auth/users.ts'
import type { AppEnv, AppSession } from './env.ts'
import type { CartLine } from './shop/cart.ts'

/** The logged-in user, if the session names one that still exists. */
export async function currentUser(c: Context<AppEnv>, users: UserStore): Promise<User | undefined> {
  const id = c.var.session.get('userId')
  return id === undefined ? undefined : users.findById(id)
}

/** Login renews the session's identity (new id and start time) and keeps its data: the cart survives. */
export function logIn(session: Session<AppSession>, user: User): void {
  session.regenerate()
  session.set('userId', user.id)
  session.set('username', user.name)
}

export function readCart(session: Session<AppSession>): CartLine[] {
  return session.get('cart', [])
}

/** An empty cart is removed, so an anonymous visitor who empties it ends up with no cookie. */
export function writeCart(session: Session<AppSession>, lines: CartLine[]): void {
  if (lines.length === 0) session.delete('cart')
  else session.set('cart', lines)
}
