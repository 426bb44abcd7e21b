import type { FlashData, SessionEnv } from 'hono-jwt-session'
import type { CartLine } from './shop/cart.ts'

/** What this app keeps in a visitor's session. */
export interface AppSession extends FlashData {
  /**
   * The tutorial's name; login also sets it to the user's name. Who is logged in is the session's
   * subject, which only login sets, so `username` alone proves nothing.
   */
  username?: string
  cart?: CartLine[]
}

export type AppEnv = SessionEnv<AppSession>
