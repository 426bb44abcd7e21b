import { describe, expect, test } from 'bun:test'
import { Session, SessionValueError, type SessionData } from 'hono-jwt-session'
import { sessionState } from '../../src/session/session.ts'

function fresh(data?: SessionData) {
  return new Session<SessionData>({ data, id: 'A'.repeat(22), start: 1000, permanent: false, subject: undefined }, 2000)
}

describe('dictionary API (Flask session)', () => {
  test('get returns the value, undefined, or the default', () => {
    const s = fresh({ a: 1, n: null })
    expect(s.get('a')).toBe(1)
    expect(s.get('missing')).toBeUndefined()
    expect(s.get('missing', 'dflt')).toBe('dflt')
    expect(s.get('n', 'dflt')).toBeNull()
  })

  test('set stores, has answers like `in`, delete removes', () => {
    const s = fresh()
    expect(s.has('k')).toBe(false)
    s.set('k', 'v')
    expect(s.has('k')).toBe(true)
    expect(s.get('k')).toBe('v')
    expect(s.delete('k')).toBe(true)
    expect(s.delete('k')).toBe(false)
    expect(s.has('k')).toBe(false)
  })

  test('pop returns and removes, or returns the default', () => {
    const s = fresh({ a: [1] })
    expect(s.pop('a')).toEqual([1])
    expect(s.has('a')).toBe(false)
    expect(s.pop('a')).toBeUndefined()
    expect(s.pop('a', 7)).toBe(7)
  })

  test('setdefault stores the default only when the key is absent', () => {
    const s = fresh({ a: 1 })
    expect(s.setdefault('a', 2)).toBe(1)
    expect(s.setdefault('b', 3)).toBe(3)
    expect(s.get('b')).toBe(3)
    const cart = s.setdefault('cart', [])
    ;(cart as number[]).push(5)
    expect(s.get('cart')).toEqual([5])
  })

  test('keys, values, entries, size and iteration', () => {
    const s = fresh({ a: 1, b: 'x' })
    expect([...s.keys()]).toEqual(['a', 'b'])
    expect([...s.values()]).toEqual([1, 'x'])
    expect([...s.entries()]).toEqual([['a', 1], ['b', 'x']])
    expect([...s]).toEqual([['a', 1], ['b', 'x']])
    expect(s.size).toBe(2)
  })

  test('any key name is plain data: __proto__, constructor, exp, get, save', () => {
    const s = fresh()
    for (const key of ['__proto__', 'constructor', 'exp', 'iat', 'get', 'save', 'hasOwnProperty', 'toString', '']) {
      s.set(key, { key })
    }
    expect(s.size).toBe(9)
    expect(s.get('__proto__')).toEqual({ key: '__proto__' })
    expect(s.get('get')).toEqual({ key: 'get' })
    expect(typeof s.get).toBe('function')
    const data = sessionState(s).data()
    expect(Object.keys(data)).toContain('__proto__')
    expect(JSON.parse(JSON.stringify(data)).__proto__).toEqual({ key: '__proto__' })
    expect(({} as Record<string, unknown>).key).toBeUndefined()
  })

  test('clear empties everything, permanent included, and renews the identity', () => {
    const s = fresh({ a: 1 })
    s.permanent = true
    const id = s.id
    s.clear()
    expect(s.size).toBe(0)
    expect(s.permanent).toBe(false)
    expect(s.id).not.toBe(id)
    expect(sessionState(s).start).toBe(2000)
  })

  test('regenerate keeps the data, renews id and start time', () => {
    const s = fresh({ cart: [1, 2] })
    const id = s.id
    s.regenerate()
    expect(s.id).not.toBe(id)
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(s.get('cart')).toEqual([1, 2])
    expect(sessionState(s).start).toBe(2000)
    expect(s.modified).toBe(true)
  })

  test('isNew is true only without a loaded session', () => {
    expect(fresh().isNew).toBe(true)
    expect(fresh({}).isNew).toBe(false)
  })
})

describe('JSON values only', () => {
  const bad: [string, unknown][] = [
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', 10n],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a Date', new Date()],
    ['a Map', new Map()],
    ['a class instance', new (class Point {})()],
    ['a nested undefined', { a: { b: undefined } }],
    ['a nested Date in an array', [1, [new Date()]]],
    ['a sparse array', [1, , 3]],
  ]
  for (const [label, value] of bad) {
    test(`refuses ${label} with a SessionValueError`, () => {
      const s = fresh()
      expect(() => s.set('k', value as never)).toThrow(SessionValueError)
      expect(s.has('k')).toBe(false)
      expect(s.modified).toBe(false)
    })
  }

  test('refuses a cycle, naming where it is', () => {
    const value: Record<string, unknown> = { list: [] }
    ;(value.list as unknown[]).push(value)
    const s = fresh()
    expect(() => s.set('cart', value as never)).toThrow('session value at session.cart.list[0] refers back to itself')
  })

  test('names the path of a bad value', () => {
    expect(() => fresh().set('cart', [{ price: NaN }] as never)).toThrow(/session\.cart\[0\]\.price is the number NaN/)
    expect(() => fresh().set('my key', { 'a b': undefined } as never)).toThrow(/session\["my key"\]\["a b"\] is undefined/)
  })

  test('refuses a non-boolean permanent', () => {
    expect(() => {
      fresh().permanent = 'yes' as never
    }).toThrow(SessionValueError)
  })

  test('accepts every JSON shape: unicode, nesting, null prototypes', () => {
    const s = fresh()
    const value = { 'ключ': ['😀', null, true, -0.5, 1e21, { deep: [[[{}]]] }], nul: Object.assign(Object.create(null), { x: 1 }) }
    s.set('v', value)
    expect(JSON.parse(JSON.stringify(sessionState(s).data())).v).toEqual(JSON.parse(JSON.stringify(value)))
  })
})

describe('change detection', () => {
  test('a loaded session nobody touches is not modified', () => {
    const s = fresh({ cart: [1] })
    s.get('cart')
    expect(s.modified).toBe(false)
  })

  test('pushing into a stored array modifies the session', () => {
    const s = fresh({ cart: [{ id: 'a' }] })
    ;(s.get('cart') as unknown[]).push({ id: 'b' })
    expect(s.modified).toBe(true)
  })

  test('changing a nested object in place through entries() modifies the session', () => {
    const s = fresh({ user: { name: 'a' } })
    for (const [, value] of s.entries()) (value as Record<string, string>).name = 'b'
    expect(s.modified).toBe(true)
  })

  test('setting the same primitive again is not a change; setting an object always is', () => {
    const s = fresh({ a: 1, o: { x: 1 } })
    s.set('a', 1)
    expect(s.modified).toBe(false)
    s.set('o', { x: 1 })
    expect(s.modified).toBe(true)
  })

  test('permanent, delete of a present key, pop and regenerate are changes; absent keys are not', () => {
    const absent = fresh({ a: 1 })
    absent.delete('zzz')
    absent.pop('zzz')
    expect(absent.modified).toBe(false)
    for (const change of [
      (s: Session<SessionData>) => (s.permanent = true),
      (s: Session<SessionData>) => s.delete('a'),
      (s: Session<SessionData>) => s.pop('a'),
      (s: Session<SessionData>) => s.regenerate(),
    ]) {
      const s = fresh({ a: 1 })
      change(s)
      expect(s.modified).toBe(true)
    }
  })

  test('a value changed in place into something that is not JSON is refused when saved', () => {
    const s = fresh({ cart: [] })
    ;(s.get('cart') as unknown[]).push(new Date())
    expect(() => sessionState(s).data()).toThrow(SessionValueError)
  })
})

describe('access tracking (for Vary: Cookie)', () => {
  const reads: [string, (s: Session<SessionData>) => unknown][] = [
    ['get', (s) => s.get('a')],
    ['has', (s) => s.has('a')],
    ['keys', (s) => s.keys()],
    ['values', (s) => s.values()],
    ['entries', (s) => s.entries()],
    ['size', (s) => s.size],
    ['permanent', (s) => s.permanent],
    ['isNew', (s) => s.isNew],
    ['id', (s) => s.id],
  ]
  for (const [name, read] of reads) {
    test(`${name} counts as reading the session`, () => {
      const s = fresh({ a: 1 })
      expect(sessionState(s).accessed).toBe(false)
      read(s)
      expect(sessionState(s).accessed).toBe(true)
    })
  }
})
