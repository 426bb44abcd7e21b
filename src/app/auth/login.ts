import { HTTPException } from 'hono/http-exception'
import type { Session } from 'hono-jwt-session'
import type { AppSession } from '../env.ts'
import type { User, UserStore } from './users.ts'

/** The logged-in user, if the session belongs to one who still exists. Only login sets the subject. */
export async function currentUser(session: Session<AppSession>, users: UserStore): Promise<User | undefined> {
  const id = session.subject
  return id === undefined ? undefined : users.findById(id)
}

/**
 * Login gives the session a new identity (new id and start time; the old id is revoked) that belongs to
 * the user, and keeps its data: the cart survives.
 */
export function logIn(session: Session<AppSession>, user: User): void {
  session.regenerate({ subject: user.id })
  session.set('username', user.name)
}

/**
 * Logout forgets everything — the user, the cart, the session's identity — and revokes the session, so
 * a copy of its cookie is refused on every instance; `everywhere` ends the user's other sessions too.
 * The cookie is deleted; the caller is left with no session either way.
 */
export function logOut(session: Session<AppSession>, { everywhere = false, revocation = true } = {}): void {
  if (everywhere && !revocation) {
    throw new HTTPException(409, { message: 'Logging out on all devices needs revocation, which is off here (SESSION_REVOCATION=false)' })
  }
  // A visitor who never logged in has no other sessions to end.
  session.clear({ everywhere: everywhere && session.subject !== undefined })
}
