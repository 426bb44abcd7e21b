import type { Context } from 'hono'

/** Where the app writes its log lines: the console, unless a test or an embedding app gives another. */
export interface Log {
  warn(line: string): void
  error(line: string): void
}

export const consoleLog: Log = {
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
}

/** Untrusted text longer than this is cut in a log line (its length is said). */
const MAX_LOGGED_CHARS = 300

// What could end a log line, or make one look like something else, when printed raw: C0 and C1 controls
// (CR, LF, ESC for terminal sequences, ...), DEL, Unicode line and paragraph separators, the bidirectional
// controls (which reorder what a reader sees), and the backslash itself, so every escape reads one way.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/g

function escapeChar(char: string): string {
  if (char === '\\') return '\\\\'
  const code = char.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Text from a request (a path, a header, an error message that may quote input) made safe for one
 * log line: nothing in it can start a new line or disguise itself; long text is cut. Every log line
 * the app writes passes request data through this.
 */
export function escapeForLog(text: string, maxChars = MAX_LOGGED_CHARS): string {
  if (text.length <= maxChars) return text.replace(UNSAFE, escapeChar)
  return `${text.slice(0, maxChars).replace(UNSAFE, escapeChar)}… (${text.length} characters)`
}

/** `POST /cart/items/x`: the request's method and decoded path, escaped. */
export function requestLine(c: Context): string {
  return `${escapeForLog(c.req.method)} ${escapeForLog(c.req.path)}`
}

/**
 * An error for the log: its name and message escaped (a message may quote input), then the stack's
 * frames, one line each, each escaped too. The stack is split into lines only after the message, so
 * the frames (the engine's text) are the only lines; a stack of another shape stays on one line.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return escapeForLog(String(error))
  const head = `${error.name}: ${error.message}`
  const stack = typeof error.stack === 'string' ? error.stack : ''
  if (!stack.startsWith(head)) return [escapeForLog(head), escapeForLog(stack, 4000)].filter((part) => part !== '').join('\n    ')
  const frames = stack.slice(head.length).split('\n').filter((line) => line.trim() !== '')
  return [escapeForLog(head), ...frames.map((line) => `    ${escapeForLog(line.trim())}`)].join('\n')
}
