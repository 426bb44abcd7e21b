import type { JsonValue } from './json.ts'

/** How a page may style a flash message. */
export type FlashCategory = 'info' | 'success' | 'warning' | 'error'

/** A one-time message for the next page (Flask's `flash()`): see `Session.flash()`. */
export interface FlashMessage {
  /** How to style it. */
  category: FlashCategory
  /** The text, as given: escape it when you put it in HTML. */
  message: string
}

/** The session key flash messages live under (Flask's name). */
export const FLASH_KEY = '_flashes'

/** Add to your session type to read the queue yourself; `flash()` and `takeFlashes()` work without it. */
export interface FlashData {
  /** The queue `flash()` appends to and `takeFlashes()` empties. */
  _flashes?: FlashMessage[]
}

const CATEGORIES: readonly string[] = ['info', 'success', 'warning', 'error'] satisfies FlashCategory[]

function isFlashCategory(value: unknown): value is FlashCategory {
  return typeof value === 'string' && CATEGORIES.includes(value)
}

/** The well-formed messages in a stored queue; anything else under the key is dropped, never shown. */
export function flashMessages(stored: JsonValue | undefined): FlashMessage[] {
  if (!Array.isArray(stored)) return []
  const messages: FlashMessage[] = []
  for (const entry of stored) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue
    const { category, message } = entry
    if (isFlashCategory(category) && typeof message === 'string') messages.push({ category, message })
  }
  return messages
}

/** A message as stored in the session, checked like any other value. */
export function flashMessage(message: string, category: FlashCategory): FlashMessage {
  if (typeof message !== 'string') throw new TypeError('flash(): the message must be a string')
  if (!isFlashCategory(category)) throw new TypeError(`flash(): the category must be one of ${CATEGORIES.join(', ')}`)
  return { category, message }
}
