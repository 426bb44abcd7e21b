import { verifyPassword } from './passwords.ts'

export interface User {
  id: string
  name: string
}

export interface UserRecord extends User {
  /** From `hashPassword`: never the password itself. */
  passwordHash: string
}

/** Where users come from; an app with a database implements this. */
export interface UserStore {
  findById(id: string): Promise<User | undefined>
  /** The user when name and password match, else undefined; never says which one was wrong. */
  authenticate(name: string, password: string): Promise<User | undefined>
}

/** The development account, documented in the README: `user` / `password`. */
export const DEMO_USER: UserRecord = {
  id: 'u-1',
  name: 'user',
  passwordHash: 'pbkdf2-sha256$600000$KKaH1tuqeNnMcGVKNnndtA$4Tvw5PFFlbmdUVJ-Z2FQPvXjffXF6jGwHGo8MBE_Hwc',
}

// The hash of a random password nobody knows: checked for unknown names so that a wrong name takes
// as long as a wrong password, and timing does not tell which accounts exist.
const DECOY_HASH = 'pbkdf2-sha256$600000$Q_ppzCtoJ1FKPzPqBPxjNA$l1I3RvBKh6N9T7cIaRYqhLL65etJhGoaWsAAWM-ilUU'

const publicUser = ({ id, name }: UserRecord): User => ({ id, name })

export class MemoryUserStore implements UserStore {
  readonly #byId = new Map<string, UserRecord>()
  readonly #byName = new Map<string, UserRecord>()

  constructor(records: readonly UserRecord[]) {
    for (const record of records) {
      if (this.#byId.has(record.id) || this.#byName.has(record.name)) {
        throw new Error(`MemoryUserStore: duplicate user ${record.id} / ${record.name}`)
      }
      this.#byId.set(record.id, record)
      this.#byName.set(record.name, record)
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const record = this.#byId.get(id)
    return record && publicUser(record)
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    const record = this.#byName.get(name)
    const matches = await verifyPassword(password, record?.passwordHash ?? DECOY_HASH)
    return record && matches ? publicUser(record) : undefined
  }
}
