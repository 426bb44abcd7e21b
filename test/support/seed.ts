// The seed for every generated case (fast-check, the soak): take it from runSeed() rather than a literal,
// so a failure names its seed and FC_SEED / SOAK_SEED replay it.

/**
 * The seed for generated cases: FC_SEED when given (to replay a failure), else one derived from the
 * commit under test. Each commit explores new cases, and CI, on a clean clone of the same commit, runs
 * exactly the cases the developer ran before pushing.
 */
export function runSeed(variable = 'FC_SEED'): number {
  const given = process.env[variable]
  if (given !== undefined) return Number(given)
  const head = Bun.spawnSync(['git', 'rev-parse', 'HEAD'], { cwd: import.meta.dir })
  const commit = new TextDecoder().decode(head.stdout).trim()
  return /^[0-9a-f]{8}/.test(commit) ? Number.parseInt(commit.slice(0, 8), 16) | 0 : Date.now() | 0
}
