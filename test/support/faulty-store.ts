// A real revocation store (the in-process one) that a test can make fail the ways a remote one does.
import {
  MemoryRevocationStore,
  type RevocationQuery,
  type RevocationStatus,
  type RevocationStore,
  type SessionRevocation,
  type SubjectRevocation,
} from 'hono-jwt-session'

/** A real store that a test can take down, make hang, or wipe (as a Redis restart without persistence would). */
export class FaultyStore implements RevocationStore {
  inner = new MemoryRevocationStore()
  mode: 'up' | 'down' | 'hang' = 'up'
  calls = 0

  #gate<T>(call: () => Promise<T>): Promise<T> {
    this.calls++
    if (this.mode === 'down') return Promise.reject(new Error('connection refused'))
    if (this.mode === 'hang') return new Promise<T>(() => {})
    return call()
  }
  check(query: RevocationQuery): Promise<RevocationStatus> {
    return this.#gate(() => this.inner.check(query))
  }
  revokeSession(revocation: SessionRevocation): Promise<void> {
    return this.#gate(() => this.inner.revokeSession(revocation))
  }
  revokeSubject(revocation: SubjectRevocation): Promise<void> {
    return this.#gate(() => this.inner.revokeSubject(revocation))
  }
  wipe(): void {
    this.inner = new MemoryRevocationStore()
  }
}
