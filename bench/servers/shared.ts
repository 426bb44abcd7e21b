// What every benchmark variant shares. A variant module is runtime-neutral: its default export builds
// the app from a plain environment object; a launcher in ./launch/ serves it on one runtime.

export const SECRET = 'bench-secret-0123456789-abcdefghijklmnop'
export const IDLE = 1800

/** Anything with a Web-standard fetch handler: a Hono app, or a hand-written object. */
export interface Fetchable {
  fetch(request: Request, ...rest: any[]): Response | Promise<Response>
}

/** The variant's settings, as strings (the same on every runtime; see bench/variants.ts). */
export type BenchEnv = Readonly<Record<string, string | undefined>>

/**
 * A variant module's default export. Called once per process (on workerd, on the isolate's first
 * request, since a Worker may not do crypto or I/O at global scope).
 */
export type Build = (env: BenchEnv) => Fetchable | Promise<Fetchable>
