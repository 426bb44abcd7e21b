// What the HTTP bench compares. Adding a variant = one entry: a module in bench/servers/ (default
// export: build(env) returning a fetch handler) and the environment it is built with. The same
// entry runs on every runtime (bench/runtimes.ts launches it), unless `runtimes` says otherwise.

export type Role = 'ceiling' | 'ours' | 'baseline' | 'peer'

/** Where a variant is reported: the comparison with the peers, or the cost of revocation. */
export type Table = 'peers' | 'revocation'

export interface VariantSpec {
  /** Used in --variants=, file names and the JSON. */
  name: string
  label: string
  /** File in bench/servers/. */
  module: string
  /** Handed to the module's build(env); for `ours`, the app's environment variables (plus BENCH_* settings). */
  env?: Record<string, string>
  role: Role
  /** In a run without --variants. */
  default: boolean
  /** Default 'peers'. `ours` (no revocation store) is in both tables: it is the reference of each. */
  table?: Table
  /**
   * What this project's variant does about revocation, checked before anything is measured (a signed
   * token says whether it carries a check stamp; Redis counts the checks). 'redis': the bench starts a
   * redis-server and hands its address over as REDIS_URL.
   */
  revocation?: 'off' | 'memory' | 'redis'
  /** Only these runtimes (default: every one); elsewhere reported as not run, with `note` as the reason. */
  runtimes?: string[]
  /** Only the cycled scenarios of at most this many sessions (the browser-like one always). */
  cycledMax?: number
  /** Sessions come from another variant (the ceiling sends ours' cookies, so requests are the same size). */
  mintFrom?: string
  /** What a minted token must look like: catches a setting the app silently ignored. */
  token?: 'jws' | 'jwe'
  /** Why it is not in the default run, or what to know about it. */
  note?: string
}

// Every peer is a stateless cookie, so this project is compared with them stateless too: no revocation
// store (the app's default keeps revocations in process and checks every session on every request).
// What revocation costs is the second table, with `ours` as its "no store" row.
const STATELESS = { SESSION_REVOCATION: 'false' }

/** The token cache of `ours-sized`: it keeps at least 3/4 of this, above the browser-like scenario's 100,000 users. */
export const SIZED_CACHE = 150_000

// The revocation rows are minted by `ours`: a token made without revocation carries no check stamp and
// is accepted by every store (README, "Revocation"), so each row starts from the same cookies.
const REVOCATION = { role: 'ours', table: 'revocation', mintFrom: 'ours', token: 'jws', cycledMax: 1000 } as const
const REDIS_RUNTIMES = ['bun', 'node']
const REDIS_NOTE = 'Redis rows run on Bun (its RedisClient) and Node (node-redis), as the app\'s entries do; its Deno and Workers entries keep revocations in Deno KV and a Durable Object'

export const VARIANTS: VariantSpec[] = [
  { name: 'bare', label: 'no session (ceiling)', module: 'bare.ts', role: 'ceiling', default: true, mintFrom: 'ours' },
  { name: 'ours', label: 'this project (no revocation store)', module: 'ours.ts', env: STATELESS, role: 'ours', default: true, revocation: 'off', token: 'jws' },
  {
    name: 'ours-encrypted',
    label: 'this project, encrypted tokens (JWE)',
    module: 'ours.ts',
    env: { ...STATELESS, SESSION_ENCRYPT: 'true' },
    role: 'ours',
    default: true,
    revocation: 'off',
    token: 'jwe',
  },
  {
    name: 'ours-sized',
    label: `this project, tokenCacheSize ${SIZED_CACHE.toLocaleString('en')}`,
    module: 'ours.ts',
    env: { ...STATELESS, BENCH_TOKEN_CACHE_SIZE: String(SIZED_CACHE) },
    role: 'ours',
    default: true,
    revocation: 'off',
    mintFrom: 'ours',
    token: 'jws',
    cycledMax: 0,
    note: 'the browser-like scenarios only: a token cache serves a user only if it holds more sessions than are active between two of that user\'s requests; it always holds at least three quarters of its size, so for 100,000 users it is sized at 1.5 times them',
  },
  {
    name: 'ours-app',
    label: 'this project, the whole demo app',
    module: 'ours.ts',
    env: { ...STATELESS, BENCH_APP: 'demo' },
    role: 'ours',
    default: true,
    revocation: 'off',
    mintFrom: 'ours',
    token: 'jws',
    note: 'the demo app as deployed: security headers, the cross-site form check, the body limit and its other routes around the same session',
  },
  { name: 'jose', label: 'straightforward jose middleware', module: 'jose.ts', role: 'baseline', default: true, token: 'jws' },
  { name: 'hono-session', label: '@hono/session 0.2.1', module: 'hono-session.ts', role: 'peer', default: true, token: 'jwe' },
  { name: 'hono-sessions', label: 'hono-sessions 0.8.1', module: 'hono-sessions.ts', role: 'peer', default: true },
  { name: 'iron-session', label: 'iron-session 9.0.1', module: 'iron-session.ts', role: 'peer', default: true },
  {
    name: 'ours-nocache',
    label: 'this project, token cache off',
    module: 'ours.ts',
    env: { ...STATELESS, BENCH_TOKEN_CACHE_SIZE: '0' },
    role: 'ours',
    default: false,
    revocation: 'off',
    mintFrom: 'ours',
    token: 'jws',
    note: 'tokenCacheSize: 0; used by the memory comparison, or add it with --variants=',
  },
  {
    ...REVOCATION,
    name: 'ours-revocation-memory',
    label: 'in-process store (the app\'s default), every request',
    module: 'ours.ts',
    env: { SESSION_REVOCATION: 'true' },
    default: true,
    revocation: 'memory',
  },
  {
    ...REVOCATION,
    name: 'ours-redis',
    label: 'Redis, every request',
    module: 'ours-redis.ts',
    default: true,
    revocation: 'redis',
    runtimes: REDIS_RUNTIMES,
    note: REDIS_NOTE,
  },
  {
    ...REVOCATION,
    name: 'ours-redis-30s',
    label: 'Redis, at most every 30 s',
    module: 'ours-redis.ts',
    env: { SESSION_REVOCATION_CHECK_INTERVAL: '30' },
    default: true,
    revocation: 'redis',
    runtimes: REDIS_RUNTIMES,
    note: REDIS_NOTE,
  },
]

export const variant = (name: string): VariantSpec => {
  const found = VARIANTS.find((v) => v.name === name)
  if (found === undefined) throw new Error(`unknown variant "${name}"; known: ${VARIANTS.map((v) => v.name).join(', ')}, or a table: peers, revocation`)
  return found
}

export const tableOf = (spec: VariantSpec): Table => spec.table ?? 'peers'

/** Whether a variant runs on a runtime at all. */
export const runsOn = (spec: VariantSpec, runtime: string): boolean => spec.runtimes === undefined || spec.runtimes.includes(runtime)

/**
 * --variants=a,b picks some (a table's name, peers or revocation, picks its default variants); bare and
 * ours are always in (every ratio needs them).
 */
export function selectVariants(list: string | undefined): VariantSpec[] {
  if (list === undefined) return VARIANTS.filter((v) => v.default)
  const asked = list.split(',').filter((name) => name !== '')
  const names = ['bare', 'ours', ...asked.flatMap((name) => (name === 'peers' || name === 'revocation' ? VARIANTS.filter((v) => v.default && tableOf(v) === name).map((v) => v.name) : [name]))]
  return [...new Set(names)].map(variant)
}
