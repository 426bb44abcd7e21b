/**
 * Where revocations live: the contract every adapter (in-memory, Redis, Durable Object, Deno KV)
 * implements. Each method is one round trip to the store. The middleware decides what to ask and what
 * the answers mean (see RevocationChecker); a store only keeps entries until they expire.
 */
export interface RevocationStore {
  /**
   * Looks up one session, in one round trip: whether its id was revoked, the cut-off of its subject
   * (every session of the subject that started at or before it is over), and the store's epoch. The
   * epoch is a marker the store keeps for as long as it keeps its data: when it is missing (a new
   * store, or one that lost its data), the store saves `proposedEpoch` and answers with it.
   */
  check(query: RevocationQuery): Promise<RevocationStatus>
  /** Revokes one session id until `expiresAt`, when no token of it can be valid any more. */
  revokeSession(revocation: SessionRevocation): Promise<void>
  /**
   * Ends every session of a subject that started at or before `cutoff`, until `expiresAt`. A later
   * cut-off replaces an earlier one; an earlier one never lowers it.
   */
  revokeSubject(revocation: SubjectRevocation): Promise<void>
}

/** One session ended: what `revokeSession` is given. */
export interface SessionRevocation {
  /** The session's id (the token's `sid`). */
  readonly sessionId: string
  /** Seconds since the epoch: when the session's last token can no longer be valid. */
  readonly expiresAt: number
  /** Seconds since the epoch, by the middleware's clock: a store that counts time-to-live uses expiresAt − now. */
  readonly now: number
}

/** Every session of one subject ended: what `revokeSubject` is given. */
export interface SubjectRevocation {
  /** The subject (the token's `sub`), as the app gave it at login. */
  readonly subject: string
  /** Seconds since the epoch: sessions that started at or before it are over. */
  readonly cutoff: number
  /** Seconds since the epoch: when no session started before the cut-off can still be valid. */
  readonly expiresAt: number
  /** Seconds since the epoch, by the middleware's clock. */
  readonly now: number
}

/** What `check` is asked about one session. */
export interface RevocationQuery {
  /** The session's id (the token's `sid`). */
  readonly sessionId: string
  /** The session's subject, if it has one. */
  readonly subject: string | undefined
  /** The epoch to save when the store has none. */
  readonly proposedEpoch: string
  /** Seconds since the epoch, by the middleware's clock: entries that expired by now count as absent. */
  readonly now: number
}

/** What `check` answers. */
export interface RevocationStatus {
  /** Whether the session's id is revoked. */
  readonly sessionRevoked: boolean
  /** The subject's cut-off in seconds, or undefined when none is in force. */
  readonly subjectCutoff: number | undefined
  /** The store's epoch: the one it already had, or the proposed one it has just saved. */
  readonly epoch: string
}

/** When an epoch began, in seconds. */
export function epochStart(epoch: string): number {
  return Number(epoch.slice(0, epoch.indexOf('.')))
}
