import { describe, expect, test } from 'bun:test'
import { Session, SessionValueError, type SessionData } from 'hono-jwt-session'
import { sessionState } from '../../src/session/session.ts'

function fresh(data?: SessionData) {
  return new Session<SessionData>({ data, id: 'A'.repeat(22), start: 1000, permanent: false, subject: undefined }, 2000)
}

describe('dictionary API (Flask session)', () => {
  test('get returns a stored value', () => {
    expect(fresh({ a: 1 }).get('a')).toBe(1)
  })

  test('get returns undefined for an absent key, or the default when one is given', () => {
    const s = fresh({ a: 1 })
    expect(s.get('missing')).toBeUndefined()
    expect(s.get('missing', 'dflt')).toBe('dflt')
  })

  test('get returns a stored null, not the default', () => {
    expect(fresh({ n: null }).get('n', 'dflt')).toBeNull()
  })

  test('set stores a value that get returns', () => {
    const s = fresh()
    s.set('k', 'v')
    expect(s.get('k')).toBe('v')
  })

  test('has answers like `in`: false before set, true after, false after delete', () => {
    const s = fresh()
    expect(s.has('k')).toBe(false)
    s.set('k', 'v')
    expect(s.has('k')).toBe(true)
    s.delete('k')
    expect(s.has('k')).toBe(false)
  })

  test('delete removes a key and answers whether it was there', () => {
    const s = fresh({ k: 'v' })
    expect(s.delete('k')).toBe(true)
    expect(s.delete('k')).toBe(false)
    expect(s.has('k')).toBe(false)
  })

  test('pop returns a present value and removes it', () => {
    const s = fresh({ a: [1] })
    expect(s.pop('a')).toEqual([1])
    expect(s.has('a')).toBe(false)
  })

  test('pop of an absent key returns undefined, or the default when one is given', () => {
    const s = fresh()
    expect(s.pop('a')).toBeUndefined()
    expect(s.pop('a', 7)).toBe(7)
  })

  test('setdefault returns a present value and leaves it', () => {
    expect(fresh({ a: 1 }).setdefault('a', 2)).toBe(1)
  })

  test('setdefault stores and returns the default for an absent key', () => {
    const s = fresh({ a: 1 })
    expect(s.setdefault('b', 3)).toBe(3)
    expect(s.get('b')).toBe(3)
  })

  test('setdefault returns the stored object itself: changing it changes the session', () => {
    const s = fresh()
    const cart = s.setdefault('cart', [])
    ;(cart as number[]).push(5)
    expect(s.get('cart')).toEqual([5])
  })

  const views: [string, (s: Session<SessionData>) => unknown, unknown][] = [
    ['keys()', (s) => [...s.keys()], ['a', 'b']],
    ['values()', (s) => [...s.values()], [1, 'x']],
    ['entries()', (s) => [...s.entries()], [['a', 1], ['b', 'x']]],
    ['iteration', (s) => [...s], [['a', 1], ['b', 'x']]],
    ['size', (s) => s.size, 2],
  ]
  for (const [name, view, expected] of views) {
    test(`${name} sees the stored keys in order`, () => {
      expect(view(fresh({ a: 1, b: 'x' }))).toEqual(expected)
    })
  }

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

  test('clear empties the data and makes the session non-permanent', () => {
    const s = fresh({ a: 1 })
    s.permanent = true
    s.clear()
    expect(s.size).toBe(0)
    expect(s.permanent).toBe(false)
  })

  test('clear renews the id and the start time', () => {
    const s = fresh({ a: 1 })
    const id = s.id
    s.clear()
    expect(s.id).not.toBe(id)
    expect(sessionState(s).start).toBe(2000)
  })

  test('regenerate renews the id and the start time', () => {
    const s = fresh({ cart: [1, 2] })
    const id = s.id
    s.regenerate()
    expect(s.id).not.toBe(id)
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(sessionState(s).start).toBe(2000)
  })

  test('regenerate keeps the data', () => {
    const s = fresh({ cart: [1, 2] })
    s.regenerate()
    expect(s.get('cart')).toEqual([1, 2])
  })

  test('regenerate marks the session modified, so the new id is saved', () => {
    const s = fresh({ cart: [1, 2] })
    s.regenerate()
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

  test('setting the same primitive again is not a change', () => {
    const s = fresh({ a: 1, o: { x: 1 } })
    s.set('a', 1)
    expect(s.modified).toBe(false)
  })

  test('setting an object is always a change, even an equal one', () => {
    const s = fresh({ a: 1, o: { x: 1 } })
    s.set('o', { x: 1 })
    expect(s.modified).toBe(true)
  })

  test('deleting or popping an absent key is not a change', () => {
    const absent = fresh({ a: 1 })
    absent.delete('zzz')
    absent.pop('zzz')
    expect(absent.modified).toBe(false)
  })

  const changes: [string, (s: Session<SessionData>) => unknown][] = [
    ['setting permanent', (s) => (s.permanent = true)],
    ['deleting a present key', (s) => s.delete('a')],
    ['popping a present key', (s) => s.pop('a')],
    ['regenerate()', (s) => s.regenerate()],
  ]
  for (const [name, change] of changes) {
    test(`${name} is a change`, () => {
      const s = fresh({ a: 1 })
      change(s)
      expect(s.modified).toBe(true)
    })
  }

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
