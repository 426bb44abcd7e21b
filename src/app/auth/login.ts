import type { Session } from 'hono-jwt-session'
import type { AppSession } from '../env.ts'
import type { User, UserStore } from './users.ts'

/** The logged-in user, if the session names one that still exists. Only `userId` proves a login. */
export async function currentUser(session: Session<AppSession>, users: UserStore): Promise<User | undefined> {
  const id = session.get('userId')
  return id === undefined ? undefined : users.findById(id)
}

/** Login renews the session's identity (new id and start time) and keeps its data: the cart survives. */
export function logIn(session: Session<AppSession>, user: User): void {
  session.regenerate()
  session.set('userId', user.id)
  session.set('username', user.name)
}

/** Logout forgets everything: the user, the cart, the session's identity; the cookie is deleted. */
export function logOut(session: Session<AppSession>): void {
  session.clear()
}
