import { createHash } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { Sightings } from '../../src/session/token/sightings.ts'

/** Random-looking session ids, the same on every run. */
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => createHash('sha256').update(String(from + i)).digest('base64url').slice(0, 22))

describe('Sightings', () => {
  test('a string is unknown on its first sighting and known on its second', () => {
    const seen = new Sightings(100)
    expect(seen.recordSighting('mn2-2U_ZWsunIBrRxXvRpA')).toBe(false)
    expect(seen.recordSighting('mn2-2U_ZWsunIBrRxXvRpA')).toBe(true)
    expect(seen.recordSighting('mn2-2U_ZWsunIBrRxXvRpB')).toBe(false)
  })

  test('sized for N, it knows nearly every one of N strings seen again in turn (N sessions, each coming back)', () => {
    const seen = new Sightings(5000)
    const sessions = ids(0, 5000)
    for (const id of sessions) seen.recordSighting(id)
    const known = sessions.filter((id) => seen.recordSighting(id)).length
    expect(known / sessions.length).toBeGreaterThan(0.9)
  })

  test('sized for a power of two, where rounding up adds nothing, it still knows most of them', () => {
    const seen = new Sightings(8192)
    const sessions = ids(0, 8192)
    for (const id of sessions) seen.recordSighting(id)
    const known = sessions.filter((id) => seen.recordSighting(id)).length
    expect(known / sessions.length).toBeGreaterThan(0.8)
  })

  test('its memory is fixed: after many times its size in other strings, the first are forgotten', () => {
    const seen = new Sightings(1000)
    const first = ids(0, 1000)
    for (const id of first) seen.recordSighting(id)
    for (const id of ids(1000, 20_000)) seen.recordSighting(id)
    expect(first.filter((id) => seen.recordSighting(id)).length).toBeLessThan(10)
  })
})
