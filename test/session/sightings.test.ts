import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { Sightings } from '../../src/session/token/sightings.ts'

/** Random-looking session ids, the same on every run. */
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => createHash('sha256').update(String(from + i)).digest('base64url').slice(0, 22))

describe('Sightings', () => {
  test('a string is unknown on its first sighting and known on its second', () => {
    const seen = new Sightings(100)
    expect(seen.seenBefore('mn2-2U_ZWsunIBrRxXvRpA')).toBe(false)
    expect(seen.seenBefore('mn2-2U_ZWsunIBrRxXvRpA')).toBe(true)
    expect(seen.seenBefore('mn2-2U_ZWsunIBrRxXvRpB')).toBe(false)
  })

  test('sized for N, it knows nearly every one of N strings seen again in turn (N sessions, each coming back)', () => {
    const seen = new Sightings(5000)
    const sessions = ids(0, 5000)
    for (const id of sessions) seen.seenBefore(id)
    const known = sessions.filter((id) => seen.seenBefore(id)).length
    expect(known / sessions.length).toBeGreaterThan(0.9)
  })

  test('its memory is fixed: after many times its size in other strings, the first are forgotten', () => {
    const seen = new Sightings(1000)
    const first = ids(0, 1000)
    for (const id of first) seen.seenBefore(id)
    for (const id of ids(1000, 20_000)) seen.seenBefore(id)
    expect(first.filter((id) => seen.seenBefore(id)).length).toBeLessThan(10)
  })
})
