import type { Session, SessionShape } from './session.ts'

export type FlashCategory = 'info' | 'success' | 'warning' | 'error'

export interface FlashMessage {
  category: FlashCategory
  message: string
}

/** The session key flash messages live under (Flask's name). Include it in your session type via `FlashData`. */
export const FLASH_KEY = '_flashes'

export interface FlashData {
  _flashes?: FlashMessage[]
}

/** Queues a message for the next page that shows messages (Flask's `flash()`). */
export function flash<T extends FlashData & SessionShape<T>>(
  session: Session<T>,
  message: string,
  category: FlashCategory = 'info',
): void {
  const s = session as unknown as Session<FlashData>
  s.set(FLASH_KEY, [...s.get(FLASH_KEY, []), { category, message }])
}

/** Returns the queued messages and removes them: each is shown once (Flask's `get_flashed_messages()`). */
export function takeFlashes<T extends FlashData & SessionShape<T>>(session: Session<T>): FlashMessage[] {
  return (session as unknown as Session<FlashData>).pop(FLASH_KEY, [])
}
