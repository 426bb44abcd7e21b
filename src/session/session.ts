import { base64url } from 'jose'
import { SessionValueError } from './errors.ts'
import { FLASH_KEY, flashMessage, flashMessages, type FlashCategory, type FlashMessage } from './flash.ts'
import { assertJsonValue, jsonPath, type JsonCompatible, type JsonObject, type JsonValue } from './json.ts'

/** The default session shape: any string key, any JSON value. */
export type SessionData = { [key: string]: JsonValue }

/**
 * The constraint on an app's own session type: every property must hold a JSON value, and `_flashes`,
 * where flash messages live, is theirs. `interface AppSession { username?: string; cart?: CartItem[] }`
 * satisfies it.
 */
export type SessionShape<T> = {
  [K in keyof T]: K extends typeof FLASH_KEY
    ? FlashMessage[] | undefined
    : K extends string
      ? JsonCompatible<Exclude<T[K], undefined>> | undefined
      : never
}

/** The keys of a session shape `T`: its string property names. */
export type SessionKeyOf<T> = keyof T & string
/** What a session holds under key `K` of shape `T`: the property's type without `undefined`. */
export type SessionValueOf<T, K extends keyof T> = Exclude<T[K], undefined>

/** What the middleware knows about a session before the handler runs. */
export interface SessionInit {
  /** Values from a verified token, or undefined for a new session. */
  readonly data: JsonObject | undefined
  readonly id: string
  /** Seconds since the epoch. */
  readonly start: number
  readonly permanent: boolean
  /** Whom the session belongs to (the `sub` claim), once the app said so at login. */
  readonly subject: string | undefined
}

/** For `regenerate()`. */
export interface RegenerateOptions {
  /**
   * Whom the session now belongs to, typically the user's id (the token's `sub`): "log out everywhere"
   * (`clear({ everywhere: true })`) ends every session of one subject. Kept when not given.
   */
  subject?: string
}

/** For `clear()`. */
export interface ClearOptions {
  /**
   * Also end every other session of this session's subject that started before now, on every device
   * (needs the `revocation` option, and a subject given at login). The caller is left with no session.
   */
  everywhere?: boolean
}

/** What the middleware needs from a session after the handler ran. */
export interface SessionState {
  readonly accessed: boolean
  readonly size: number
  readonly id: string
  readonly start: number
  readonly permanent: boolean
  readonly subject: string | undefined
  /** True when the identity was renewed: `regenerate()` or `clear()`, so the loaded id is over. */
  readonly renewed: boolean
  /** After `clear({ everywhere: true })`: the subject whose sessions end. */
  readonly endEverywhere: string | undefined
  /** True when anything changed, including values changed in place. */
  changed(): boolean
  /** The values as one JSON object, checked to be JSON all the way down. */
  data(): JsonObject
}

const SESSION_ID_BYTES = 16

/** A new random session id: 128 bits, base64url (22 characters). */
export function newSessionId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)))
}

function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new SessionValueError('session', `was given a ${typeof key} key; keys must be strings`)
}

let stateOf: <T extends SessionShape<T>>(session: Session<T>) => SessionState

/**
 * One visitor's session, used like a dictionary (Flask's `session`). Any string is a key, `__proto__`
 * and `exp` included; values are JSON values. The middleware loads and saves it: see `session()`.
 */
export class Session<T extends SessionShape<T> = SessionData> {
  readonly #data: Map<string, JsonValue>
  readonly #loaded: boolean
  /** The request's time, in seconds: every change made while handling it happens at this instant. */
  readonly #now: number
  #id: string
  #start: number
  #permanent: boolean
  #subject: string | undefined
  /** The subject whose sessions `clear({ everywhere: true })` ends. */
  #endEverywhere: string | undefined
  #renewed = false
  #changed = false
  #accessed = false
  /** The loaded values as JSON, taken before the first reference to one of them leaves this object. */
  #snapshot: string | undefined

  static {
    stateOf = (session) => session.#state()
  }

  /**
   * Built by the middleware. `now` is when the request arrived (seconds): the new token's `iat` is
   * that instant too, so a start time set by `regenerate()` can never fall after it.
   */
  constructor(init: SessionInit, now: number) {
    this.#data = new Map(init.data === undefined ? [] : Object.entries(init.data))
    this.#loaded = init.data !== undefined
    this.#id = init.id
    this.#start = init.start
    this.#permanent = init.permanent
    this.#subject = init.subject
    this.#now = now
  }

  /** The value stored under `key`, or undefined when there is none. */
  get<K extends SessionKeyOf<T>>(key: K): SessionValueOf<T, K> | undefined
  /** The value stored under `key`, or `defaultValue` when there is none (not stored: see `setdefault`). */
  get<K extends SessionKeyOf<T>>(key: K, defaultValue: SessionValueOf<T, K>): SessionValueOf<T, K>
  /** The value stored under `key`, or `defaultValue`, of any type, when there is none. */
  get<K extends SessionKeyOf<T>, D>(key: K, defaultValue: D): SessionValueOf<T, K> | D
  get(key: string, defaultValue?: unknown): unknown {
    // Stored values are never undefined (set() refuses it), so undefined means "absent".
    const value = this.#data.get(key)
    if (typeof value === 'object' && value !== null) this.#lend()
    else this.#touch()
    return value === undefined ? defaultValue : value
  }

  /** Stores a JSON value; anything else (undefined, a Date, a function, NaN, a cycle) throws SessionValueError. */
  set<K extends SessionKeyOf<T>>(key: K, value: SessionValueOf<T, K>): this {
    checkKey(key)
    assertJsonValue(value, jsonPath('session', key))
    this.#accessed = true
    if (typeof value === 'object' || this.#data.get(key) !== value) {
      this.#data.set(key, value)
      this.#changed = true
    }
    return this
  }

  /** Whether `key` is stored (Flask's `key in session`). */
  has(key: SessionKeyOf<T>): boolean {
    this.#touch()
    return this.#data.has(key)
  }

  /** Removes `key` and returns its value, or undefined when there was none. */
  pop<K extends SessionKeyOf<T>>(key: K): SessionValueOf<T, K> | undefined
  /** Removes `key` and returns its value, or `defaultValue` when there was none. */
  pop<K extends SessionKeyOf<T>>(key: K, defaultValue: SessionValueOf<T, K>): SessionValueOf<T, K>
  /** Removes `key` and returns its value, or `defaultValue`, of any type, when there was none. */
  pop<K extends SessionKeyOf<T>, D>(key: K, defaultValue: D): SessionValueOf<T, K> | D
  pop(key: string, defaultValue?: unknown): unknown {
    this.#lend()
    if (!this.#data.has(key)) return defaultValue
    const value = this.#data.get(key)
    this.#data.delete(key)
    this.#changed = true
    return value
  }

  /** Removes `key`; true when it was there. */
  delete(key: SessionKeyOf<T>): boolean {
    this.#touch()
    const deleted = this.#data.delete(key)
    if (deleted) this.#changed = true
    return deleted
  }

  /** The value under `key`, first storing `defaultValue` there when there is none. */
  setdefault<K extends SessionKeyOf<T>>(key: K, defaultValue: SessionValueOf<T, K>): SessionValueOf<T, K> {
    this.#lend()
    if (!this.#data.has(key)) this.set(key, defaultValue)
    return this.#data.get(key) as SessionValueOf<T, K>
  }

  /**
   * Logout: removes everything, `permanent` and the subject included, and forgets the session's
   * identity. Left empty, the cookie is deleted; filled again, it is a new session with a new id and
   * start time. With the `revocation` option, the old session is revoked, so a copy of its cookie is
   * refused too; `{ everywhere: true }` also revokes every session of its subject.
   */
  clear(options: ClearOptions = {}): void {
    const everywhere = options.everywhere ?? false
    if (typeof everywhere !== 'boolean') throw new TypeError('clear(): everywhere must be true or false')
    if (everywhere && this.#subject === undefined) {
      throw new TypeError('clear({ everywhere: true }): this session has no subject; give it one at login with regenerate({ subject })')
    }
    this.#accessed = true
    if (everywhere) this.#endEverywhere = this.#subject
    this.#data.clear()
    this.#permanent = false
    this.#subject = undefined
    this.#renew()
  }

  /**
   * Login: gives the session a new id and start time and keeps its values (the cart survives), so a
   * session id known before login is worthless after it and the absolute timeout counts from the login.
   * Pass the user's id as `subject` to be able to end all of that user's sessions later.
   */
  regenerate(options: RegenerateOptions = {}): void {
    const { subject } = options
    if (subject !== undefined && (typeof subject !== 'string' || subject === '')) {
      throw new TypeError('regenerate(): subject must be a non-empty string')
    }
    this.#accessed = true
    if (subject !== undefined) this.#subject = subject
    this.#renew()
  }

  /** Whom the session belongs to, as given to `regenerate({ subject })`; undefined before login. */
  get subject(): string | undefined {
    this.#touch()
    return this.#subject
  }

  /** Queues a one-time message for the next page that shows messages (Flask's `flash()`). */
  flash(message: string, category: FlashCategory = 'info'): void {
    const queued = flashMessages(this.#data.get(FLASH_KEY))
    queued.push(flashMessage(message, category))
    this.#accessed = true
    this.#data.set(FLASH_KEY, queued.map(({ category, message }) => ({ category, message })))
    this.#changed = true
  }

  /** The queued messages, removed so each is shown once (Flask's `get_flashed_messages()`). */
  takeFlashes(): FlashMessage[] {
    this.#touch()
    const stored = this.#data.get(FLASH_KEY)
    if (stored === undefined) return []
    this.#data.delete(FLASH_KEY)
    this.#changed = true
    return flashMessages(stored)
  }

  /** The keys stored, in the order they were first stored (integer-like keys first, as in any JSON object). */
  keys(): IterableIterator<SessionKeyOf<T>> {
    this.#touch()
    return this.#data.keys() as IterableIterator<SessionKeyOf<T>>
  }

  /** The values stored; changing one in place is found and saved. */
  values(): IterableIterator<SessionValueOf<T, SessionKeyOf<T>>> {
    this.#lend()
    return this.#data.values() as IterableIterator<SessionValueOf<T, SessionKeyOf<T>>>
  }

  /** `[key, value]` pairs, as `keys()` and `values()` give them. */
  entries(): IterableIterator<[SessionKeyOf<T>, SessionValueOf<T, SessionKeyOf<T>>]> {
    this.#lend()
    return this.#data.entries() as IterableIterator<[SessionKeyOf<T>, SessionValueOf<T, SessionKeyOf<T>>]>
  }

  /** `for (const [key, value] of session)`: the entries. */
  [Symbol.iterator](): IterableIterator<[SessionKeyOf<T>, SessionValueOf<T, SessionKeyOf<T>>]> {
    return this.entries()
  }

  /** How many keys are stored (Flask's `len(session)`). */
  get size(): number {
    this.#touch()
    return this.#data.size
  }

  /** True: a persistent cookie (Max-Age = the token's remaining lifetime). False (default): a browser-session cookie. The token expires either way. */
  get permanent(): boolean {
    this.#touch()
    return this.#permanent
  }

  set permanent(value: boolean) {
    if (typeof value !== 'boolean') throw new SessionValueError('session.permanent', `is a ${typeof value}, not a boolean`)
    this.#accessed = true
    if (value !== this.#permanent) {
      this.#permanent = value
      this.#changed = true
    }
  }

  /** The session id: random, stable across requests, new after `regenerate()` and `clear()`. */
  get id(): string {
    this.#touch()
    return this.#id
  }

  /** True when the request carried no valid session. */
  get isNew(): boolean {
    this.#touch()
    return !this.#loaded
  }

  /** True when anything will be saved: a value set, removed or changed in place, `permanent` changed, or the identity renewed. */
  get modified(): boolean {
    return this.#isChanged()
  }

  /** The response now depends on the session: the middleware will say so to caches (Vary: Cookie). */
  #touch(): void {
    this.#accessed = true
  }

  /**
   * As #touch, and a stored object may leave this object by reference and be changed in place
   * (cart.push(item)): remember what was loaded so the change is found when the session is saved
   * (Flask loses it).
   */
  #lend(): void {
    this.#accessed = true
    if (this.#loaded && this.#snapshot === undefined) this.#snapshot = this.#json()
  }

  #renew(): void {
    this.#id = newSessionId()
    this.#start = this.#now
    this.#renewed = true
    this.#changed = true
  }

  #json(): string {
    return JSON.stringify(Object.fromEntries(this.#data))
  }

  #isChanged(): boolean {
    return this.#changed || (this.#snapshot !== undefined && this.#json() !== this.#snapshot)
  }

  #state(): SessionState {
    return {
      accessed: this.#accessed,
      size: this.#data.size,
      id: this.#id,
      start: this.#start,
      permanent: this.#permanent,
      subject: this.#subject,
      renewed: this.#renewed,
      endEverywhere: this.#endEverywhere,
      changed: () => this.#isChanged(),
      data: () => {
        const data = Object.fromEntries(this.#data)
        // Values loaded from a token and never handed out are JSON by construction; anything set or
        // reachable by reference may have been changed into something else since.
        if (this.#changed || this.#snapshot !== undefined) assertJsonValue(data, 'session')
        return data
      },
    }
  }
}

/** The middleware's view of a session; not part of the public API. */
export function sessionState<T extends SessionShape<T>>(session: Session<T>): SessionState {
  return stateOf(session)
}
