import type { SessionEnv } from '../session'

/** What this app keeps in a visitor's session. */
export interface AppSession {
  /** The tutorial's logged-in user name. */
  username?: string
}

export type AppEnv = SessionEnv<AppSession>
