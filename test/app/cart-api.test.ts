import { describe, expect, test } from 'bun:test'
import { sessionCookie } from 'hono-jwt-session/testing'
import { MAX_BODY_BYTES } from '../../src/app/app.ts'
import type { CartLine } from '../../src/app/shop/cart.ts'
import { CATALOGUE } from '../../src/app/shop/catalogue.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { json, loggedIn, sessionData, shop } from '../support/shop.ts'

const TEA = 'darjeeling-first-flush-100g' // 1450 cents
const CARD = 'gift-card-25' // 2500 cents

describe('catalogue', () => {
  test('GET /api/products: id, name and integer price in cents', async () => {
    const { app } = shop()
    const res = await app.request('/api/products')
    expect(res.status).toBe(200)
    const products = (await res.json()) as { id: string; name: string; price: number }[]
    expect(products.length).toBe(CATALOGUE.length)
    for (const p of products) {
      expect(Object.keys(p).sort()).toEqual(['id', 'name', 'price'])
      expect(Number.isInteger(p.price)).toBe(true)
    }
    expect(products.find((p) => p.id === TEA)).toEqual({ id: TEA, name: 'Darjeeling First Flush, 100 g', price: 1450 })
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe('cart', () => {
  test('an empty cart', async () => {
    const { app } = shop()
    const res = await app.request('/api/cart')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ items: [], itemCount: 0, total: 0 })
  })

  /** A visitor whose session holds these cart lines (logged in or not). */
  async function visitorWithCart(cart: CartLine[]) {
    const { app, options } = shop()
    return { app, jar: new StrictCookieJar().set(await sessionCookie(options, { cart })) }
  }

  test('adding a product answers the cart with its line, line total, item count and total', async () => {
    const { app } = shop()
    const res = await new StrictCookieJar().request(app, '/api/cart/items', json('POST', { productId: TEA, quantity: 2 }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      items: [{ productId: TEA, quantity: 2, name: 'Darjeeling First Flush, 100 g', unitPrice: 1450, lineTotal: 2900 }],
      itemCount: 2,
      total: 2900,
    })
  })

  test('adding a product already in the cart sums the quantities', async () => {
    const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 2 }])
    const res = await jar.request(app, '/api/cart/items', json('POST', { productId: TEA, quantity: 3 }))
    expect((await res.json()).items[0]).toMatchObject({ productId: TEA, quantity: 5, lineTotal: 7250 })
  })

  test('adding another product adds its line to the item count and the total', async () => {
    const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 5 }])
    const res = await jar.request(app, '/api/cart/items', json('POST', { productId: CARD, quantity: 1 }))
    expect(await res.json()).toMatchObject({ itemCount: 6, total: 7250 + 2500 })
  })

  test('PUT sets a line\'s quantity', async () => {
    const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 5 }, { productId: CARD, quantity: 1 }])
    const res = await jar.request(app, `/api/cart/items/${TEA}`, json('PUT', { quantity: 1 }))
    expect(await res.json()).toMatchObject({ items: [{ productId: TEA, quantity: 1 }, { productId: CARD, quantity: 1 }], total: 3950 })
  })

  test('PUT with quantity 0 removes the line', async () => {
    const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 1 }, { productId: CARD, quantity: 1 }])
    const res = await jar.request(app, `/api/cart/items/${TEA}`, json('PUT', { quantity: 0 }))
    expect(await res.json()).toMatchObject({ items: [{ productId: CARD, quantity: 1 }], total: 2500 })
  })

  test('DELETE removes the line', async () => {
    const { app, jar } = await visitorWithCart([{ productId: CARD, quantity: 1 }])
    const res = await jar.request(app, `/api/cart/items/${CARD}`, { method: 'DELETE' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ items: [], itemCount: 0, total: 0 })
  })

  test('an emptied cart leaves an anonymous visitor with no session at all', async () => {
    const { app, jar } = await visitorWithCart([{ productId: CARD, quantity: 1 }])
    await jar.request(app, `/api/cart/items/${CARD}`, { method: 'DELETE' })
    expect(jar.get('session')).toBeUndefined()
  })

  test('PUT on a product not yet in the cart adds it', async () => {
    const { app } = shop()
    const jar = new StrictCookieJar()
    const res = await jar.request(app, `/api/cart/items/${CARD}`, json('PUT', { quantity: 4 }))
    expect(await res.json()).toMatchObject({ items: [{ productId: CARD, quantity: 4 }] })
  })

  test('POST without a quantity adds one', async () => {
    const { app } = shop()
    const res = await app.request('/api/cart/items', json('POST', { productId: CARD }))
    expect(await res.json()).toMatchObject({ items: [{ productId: CARD, quantity: 1 }] })
  })
})

describe('bad input: a JSON error with the right status, and the session unchanged', () => {
  const cases: [string, string, RequestInit, number, string | RegExp][] = [
    ['malformed JSON', '/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"productId":' }, 400, 'The body is not valid JSON'],
    ['a form instead of JSON', '/api/cart/items', { method: 'POST', body: new URLSearchParams({ productId: CARD, quantity: '1' }) }, 400, 'Content-Type must be application/json'],
    ['text/plain', '/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ productId: CARD, quantity: 1 }) }, 400, 'Content-Type must be application/json'],
    ['no body', '/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json' } }, 400, 'The body is not valid JSON'],
    ['a JSON array', '/api/cart/items', json('POST', [CARD]), 400, 'The body must be a JSON object'],
    ['an unknown product', '/api/cart/items', json('POST', { productId: 'nope', quantity: 1 }), 404, 'Unknown product: nope'],
    ['a numeric productId', '/api/cart/items', json('POST', { productId: 7, quantity: 1 }), 400, /productId/],
    ['quantity 0 on add', '/api/cart/items', json('POST', { productId: CARD, quantity: 0 }), 400, /quantity must be a whole number from 1 to 99/],
    ['quantity -1', '/api/cart/items', json('POST', { productId: CARD, quantity: -1 }), 400, /quantity/],
    ['quantity 1.5', '/api/cart/items', json('POST', { productId: CARD, quantity: 1.5 }), 400, /quantity/],
    ['quantity "2"', '/api/cart/items', json('POST', { productId: CARD, quantity: '2' }), 400, /quantity/],
    ['quantity 1e9', '/api/cart/items', json('POST', { productId: CARD, quantity: 1e9 }), 400, /quantity/],
    ['quantity 100', '/api/cart/items', json('POST', { productId: CARD, quantity: 100 }), 400, /quantity/],
    ['quantity null', '/api/cart/items', json('POST', { productId: CARD, quantity: null }), 400, /quantity/],
    ['a sum over 99', '/api/cart/items', json('POST', { productId: TEA, quantity: 99 }), 400, /already holds 1/],
    ['PUT -1', `/api/cart/items/${TEA}`, json('PUT', { quantity: -1 }), 400, /from 0 to 99/],
    ['PUT 2.5', `/api/cart/items/${TEA}`, json('PUT', { quantity: 2.5 }), 400, /from 0 to 99/],
    ['PUT without quantity', `/api/cart/items/${TEA}`, json('PUT', {}), 400, /from 0 to 99/],
    ['PUT an unknown product', '/api/cart/items/nope', json('PUT', { quantity: 1 }), 404, 'Unknown product: nope'],
    ['DELETE an unknown product', '/api/cart/items/nope', { method: 'DELETE' }, 404, 'Unknown product: nope'],
    ['an oversized body', '/api/cart/items', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ productId: CARD, pad: 'x'.repeat(MAX_BODY_BYTES) }) }, 413, /too large/],
  ]
  for (const [label, path, init, status, message] of cases) {
    test(`${label} → ${status}`, async () => {
      const { app } = shop()
      const jar = new StrictCookieJar()
      await jar.request(app, '/api/cart/items', json('POST', { productId: TEA, quantity: 1 }))
      const before = jar.get('session')
      const res = await jar.request(app, path, init)
      expect(res.status).toBe(status)
      expect(res.headers.get('Content-Type')).toStartWith('application/json')
      const body = (await res.json()) as { error: string }
      expect(Object.keys(body)).toEqual(['error'])
      expect(body.error).toMatch(message)
      expect(res.headers.getSetCookie()).toEqual([])
      expect(jar.get('session')).toBe(before!)
    })
  }
})

test('an unknown API path is a JSON 404', async () => {
  const { app } = shop()
  const res = await app.request('/api/nothing')
  expect(res.status).toBe(404)
  expect(await res.json()).toEqual({ error: 'Not found' })
})

describe('checkout', () => {
  test('401 when nobody is logged in, even with a full cart', async () => {
    const { app } = shop()
    const jar = new StrictCookieJar()
    await jar.request(app, '/api/cart/items', json('POST', { productId: CARD, quantity: 1 }))
    const res = await jar.request(app, '/api/cart/checkout', { method: 'POST' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'Log in to check out' })
    expect(sessionData(jar)).toEqual({ cart: [{ productId: CARD, quantity: 1 }] })
  })

  test('409 on an empty cart', async () => {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
    const res = await jar.request(app, '/api/cart/checkout', { method: 'POST' })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ error: 'The cart is empty' })
  })

  /** A logged-in user checks out two tea and a gift card. */
  async function checkedOut() {
    const { app, clock, options } = shop()
    const cart = [{ productId: TEA, quantity: 2 }, { productId: CARD, quantity: 1 }]
    const jar = new StrictCookieJar().set(await loggedIn(options, { cart }))
    const res = await jar.request(app, '/api/cart/checkout', { method: 'POST' })
    return { app, clock, jar, res }
  }

  test('200 with the order: its lines, item count, total, time and id', async () => {
    const { clock, res } = await checkedOut()
    expect(res.status).toBe(200)
    const { order } = (await res.json()) as { order: Record<string, unknown> }
    expect(order).toMatchObject({
      userId: 'u-1',
      items: [
        { productId: TEA, quantity: 2, unitPrice: 1450, lineTotal: 2900 },
        { productId: CARD, quantity: 1, unitPrice: 2500, lineTotal: 2500 },
      ],
      itemCount: 3,
      total: 5400,
      placedAt: new Date(clock.ms).toISOString(),
    })
    expect(order.id).toMatch(/^ord_[\w-]{12}$/)
  })

  test('empties the cart, so a second checkout is 409', async () => {
    const { app, jar } = await checkedOut()
    expect(await (await jar.request(app, '/api/cart')).json()).toEqual({ items: [], itemCount: 0, total: 0 })
    expect((await jar.request(app, '/api/cart/checkout', { method: 'POST' })).status).toBe(409)
  })

  test('the user stays logged in', async () => {
    const { app, jar } = await checkedOut()
    expect((await jar.request(app, '/api/me')).status).toBe(200)
  })
})

describe('a cart too large for the cookie', () => {
  /**
   * A logged-in user adds 99 of each product in turn until an add is refused: how many were added,
   * the status of each add before, the refused response, and the session token just before and after it.
   */
  async function filledUntilRefused() {
    const { app, options } = shop()
    const jar = new StrictCookieJar().set(await loggedIn(options))
    const statuses: number[] = []
    for (const product of CATALOGUE) {
      const before = jar.get('session')
      const res = await jar.request(app, '/api/cart/items', json('POST', { productId: product.id, quantity: 99 }))
      if (res.status === 413) return { app, jar, statuses, refused: res, before, after: jar.get('session') }
      statuses.push(res.status)
    }
    throw new Error('every product fitted in the cookie: no add was refused')
  }

  test('fills the cookie with over 40 lines, every add answered 200, until one is refused with a JSON 413', async () => {
    const { statuses, refused } = await filledUntilRefused()
    expect(statuses.every((status) => status === 200)).toBe(true)
    expect(statuses.length).toBeGreaterThan(40)
    expect(await refused.json()).toEqual({ error: expect.stringContaining('too large') })
  })

  test('the refused add sends no cookie, and the browser keeps its previous one', async () => {
    const { refused, before, after } = await filledUntilRefused()
    expect(refused.headers.getSetCookie()).toEqual([])
    expect(after).toBe(before!)
  })

  test('the cart before the refused add is intact', async () => {
    const { app, jar, statuses } = await filledUntilRefused()
    const cart = (await (await jar.request(app, '/api/cart')).json()) as { items: unknown[] }
    expect(cart.items).toHaveLength(statuses.length)
  })

  test('the user stays logged in', async () => {
    const { app, jar } = await filledUntilRefused()
    expect((await jar.request(app, '/api/me')).status).toBe(200)
  })

  test('making room works again', async () => {
    const { app, jar } = await filledUntilRefused()
    const res = await jar.request(app, `/api/cart/items/${CATALOGUE[0]!.id}`, { method: 'DELETE' })
    expect(res.status).toBe(200)
  })
})
