// Known bugs of the library, reproduced in process in a few milliseconds, so that a test meeting
// their effects elsewhere (the cluster soak) can tell them from anything new, and becomes strict
// again by itself once the library is fixed. Each is pinned by a `test.failing` next to its kind.
import { MemoryRevocationStore, type RevocationStore } from 'hono-jwt-session'
import { CookieJar, TestClock } from 'hono-jwt-session/testing'
import { instance, me } from './revocation-app.ts'

/**
 * A revocation the store refused (503) is still remembered by the instance that tried to write it, so
 * that instance refuses the session while the store, and every other instance, accept it
 * (test/session/revocation.test.ts: "a write the store refused (503) is not remembered here either").
 */
export async function refusedRevocationIsRemembered(): Promise<boolean> {
  const inner = new MemoryRevocationStore()
  let down = false
  const gate = <T>(call: () => Promise<T>): Promise<T> => (down ? Promise.reject(new Error('down')) : call())
  const store: RevocationStore = {
    check: (query) => gate(() => inner.check(query)),
    revokeSession: (revocation) => gate(() => inner.revokeSession(revocation)),
    revokeSubject: (revocation) => gate(() => inner.revokeSubject(revocation)),
  }
  const clock = new TestClock()
  const shop = instance(store, clock, { outageGrace: 60 })
  const jar = new CookieJar()
  await jar.request(shop.app, '/login/ada', { method: 'POST' })
  down = true
  clock.advance(1)
  await jar.request(shop.app, '/logout', { method: 'POST' })
  down = false
  clock.advance(3)
  return ((await me(shop, jar)) as { user: string | null }).user === null
}
