import type { FlashData, SessionEnv } from 'hono-jwt-session'
import type { CartLine } from './shop/cart.ts'

/** What this app keeps in a visitor's session. */
export interface AppSession extends FlashData {
  /** The tutorial's name; login also sets it to the user's name. */
  username?: string
  /** Who is logged in. Only login sets it, so only it (never `username`) proves a login. */
  userId?: string
  cart?: CartLine[]
}

export type AppEnv = SessionEnv<AppSession>
