// What the HTTP bench compares. Adding a variant = one entry: a module in bench/servers/ (default
// export: build(env) returning a fetch handler) and the environment it is built with. The same
// entry runs on every runtime (bench/runtimes.ts launches it).

export type Role = 'ceiling' | 'ours' | 'baseline' | 'peer'

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
  /** Sessions come from another variant (the ceiling sends ours' cookies, so requests are the same size). */
  mintFrom?: string
  /** What a minted token must look like: catches a setting the app silently ignored. */
  token?: 'jws' | 'jwe'
  /** Why it is not in the default run, or what to know about it. */
  note?: string
}

export const VARIANTS: VariantSpec[] = [
  { name: 'bare', label: 'no session (ceiling)', module: 'bare.ts', role: 'ceiling', default: true, mintFrom: 'ours' },
  { name: 'ours', label: 'this project', module: 'ours.ts', role: 'ours', default: true, token: 'jws' },
  { name: 'jose', label: 'straightforward jose middleware', module: 'jose.ts', role: 'baseline', default: true, token: 'jws' },
  { name: 'hono-session', label: '@hono/session 0.2.1', module: 'hono-session.ts', role: 'peer', default: true, token: 'jwe' },
  { name: 'hono-sessions', label: 'hono-sessions 0.8.1', module: 'hono-sessions.ts', role: 'peer', default: true },
  { name: 'iron-session', label: 'iron-session 9.0.1', module: 'iron-session.ts', role: 'peer', default: true },
  {
    name: 'ours-nocache',
    label: 'this project, token cache off',
    module: 'ours.ts',
    env: { BENCH_TOKEN_CACHE_SIZE: '0' },
    role: 'ours',
    default: false,
    mintFrom: 'ours',
    token: 'jws',
    note: 'tokenCacheSize: 0; used by the memory comparison, or add it with --variants=',
  },
  {
    name: 'ours-encrypted',
    label: 'this project, encrypted tokens (JWE)',
    module: 'ours.ts',
    env: { SESSION_ENCRYPT: 'true' },
    role: 'ours',
    default: false,
    token: 'jwe',
    note: 'waits for the app to read SESSION_ENCRYPT (the server refuses to start until then)',
  },
  // Next, once the app has a revocation store (the interval variable's name is not final):
  // { name: 'ours-redis', label: 'this project, Redis revocation check', module: 'ours.ts',
  //   env: { REDIS_URL: 'redis://127.0.0.1:6379', SESSION_REVOCATION_INTERVAL: '5' }, role: 'ours', default: false, token: 'jws' },
]

export const variant = (name: string): VariantSpec => {
  const found = VARIANTS.find((v) => v.name === name)
  if (found === undefined) throw new Error(`unknown variant "${name}"; known: ${VARIANTS.map((v) => v.name).join(', ')}`)
  return found
}

/** --variants=a,b picks some; bare and ours are always in (every ratio needs them). */
export function selectVariants(list: string | undefined): VariantSpec[] {
  if (list === undefined) return VARIANTS.filter((v) => v.default)
  const names = ['bare', 'ours', ...list.split(',').filter((name) => name !== '' && name !== 'bare' && name !== 'ours')]
  return [...new Set(names)].map(variant)
}
