// The test of the type test: a `@ts-expect-error` over a line that compiles must fail the check
// (TS2578, unused directive). The package check compiles this file next to src/types.ts with its
// directives blanked out, and requires exactly this error here and an error after each blanked one.
import type { Session } from 'hono-jwt-session'
import type { AppSession } from './app.ts'

export function valid(s: Session<AppSession>): void {
  // @ts-expect-error over a valid line: must be reported as unused
  s.set('visits', 1)
}
