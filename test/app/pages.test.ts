import { describe, expect, test } from 'bun:test'
import { sessionCookie } from 'hono-jwt-session/testing'
import { createApp } from '../../src/app/app.ts'
import { hashPassword } from '../../src/app/auth/passwords.ts'
import { MemoryUserStore } from '../../src/app/auth/users.ts'
import { CATALOGUE } from '../../src/app/shop/catalogue.ts'
import { SECRET } from '../support/secrets.ts'
import { StrictCookieJar } from '../support/set-cookie.ts'
import { form, loggedIn, login, sessionData, shop } from '../support/shop.ts'

const TEA = 'darjeeling-first-flush-100g'

/** A visitor (anonymous, or logged in as the demo user) whose session holds these cart lines. */
async function visitorWithCart(cart: { productId: string; quantity: number }[], as: 'anonymous' | 'logged in' = 'anonymous') {
  const { app, options } = shop()
  const cookie = as === 'anonymous' ? await sessionCookie(options, { cart }) : await loggedIn(options, { cart })
  return { app, jar: new StrictCookieJar().set(cookie) }
}

describe('HTML pages, usable without JavaScript', () => {
  test('home page for an anonymous visitor: login link and cart link', async () => {
    const { app } = shop()
    const res = await app.request('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toStartWith('text/html')
    const page = await res.text()
    expect(page).toContain('You are not logged in')
    expect(page).toContain('href="/login"')
    expect(page).toContain('href="/cart"')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  test('the catalogue page has an add-to-cart form per product', async () => {
    const { app } = shop()
    const page = await (await app.request('/products')).text()
    expect(page.match(/<form class="inline" method="post" action="\/cart\/items">/g)).toHaveLength(CATALOGUE.length)
    expect(page).toContain('Darjeeling First Flush, 100 g')
    expect(page).toContain('$14.50')
  })

  describe('the cart through forms', () => {
    /** An anonymous visitor adds two tea through the form: the response, then the cart page it leads to. */
    async function addedTwoTea() {
      const { app } = shop()
      const jar = new StrictCookieJar()
      const res = await jar.request(app, '/cart/items', form({ productId: TEA, quantity: '2' }))
      const page = await (await jar.request(app, '/cart')).text()
      return { res, page }
    }

    test('the add form redirects to the cart page', async () => {
      const { res } = await addedTwoTea()
      expect(res.status).toBe(303)
      expect(res.headers.get('Location')).toBe('/cart')
    })

    test('the cart page after adding shows what was added, the total and the count', async () => {
      const { page } = await addedTwoTea()
      expect(page).toContain('Added 2 × Darjeeling First Flush, 100 g to your cart.')
      expect(page).toContain('<td class="num" id="cart-total">$29.00</td>')
      expect(page).toContain('Cart (2)')
    })

    test('an anonymous visitor\'s cart page asks to log in to check out', async () => {
      const { page } = await addedTwoTea()
      expect(page).toContain('to check out')
    })

    test('the update form sets the line\'s quantity', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 2 }])
      const res = await jar.request(app, `/cart/items/${TEA}`, form({ quantity: '3' }))
      expect(res.status).toBe(303)
      expect(sessionData(jar)!.cart).toEqual([{ productId: TEA, quantity: 3 }])
    })

    test('checking out anonymously redirects to the login page, which says the cart is kept', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 3 }])
      const res = await jar.request(app, '/cart/checkout', { method: 'POST' })
      expect(res.headers.get('Location')).toBe('/login')
      expect(await (await jar.request(app, '/login')).text()).toContain('Log in to check out; your cart is kept.')
    })

    test('a logged-in visitor\'s cart page has the checkout button', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 3 }], 'logged in')
      expect(await (await jar.request(app, '/cart')).text()).toContain('<form method="post" action="/cart/checkout">')
    })

    test('the checkout form redirects home', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 3 }], 'logged in')
      const res = await jar.request(app, '/cart/checkout', { method: 'POST' })
      expect(res.status).toBe(303)
      expect(res.headers.get('Location')).toBe('/')
    })

    test('the home page after checkout thanks with the order\'s number, item count and total', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 3 }], 'logged in')
      await jar.request(app, '/cart/checkout', { method: 'POST' })
      expect(await (await jar.request(app, '/')).text()).toMatch(/Thank you! Order ord_[\w-]+ is placed: 3 items, \$43\.50\./)
    })

    test('the cart page after checkout says the cart is empty', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 3 }], 'logged in')
      await jar.request(app, '/cart/checkout', { method: 'POST' })
      expect(await (await jar.request(app, '/cart')).text()).toContain('Your cart is empty')
    })

    test('quantity 0 in the update form removes the line', async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 1 }, { productId: 'gift-card-25', quantity: 1 }])
      await jar.request(app, `/cart/items/${TEA}`, form({ quantity: '0' }))
      expect(sessionData(jar)!.cart).toEqual([{ productId: 'gift-card-25', quantity: 1 }])
    })

    test('the Remove button removes the line, and with the last line the cart', async () => {
      const { app, jar } = await visitorWithCart([{ productId: 'gift-card-25', quantity: 1 }])
      await jar.request(app, '/cart/items/gift-card-25/remove', { method: 'POST' })
      expect(sessionData(jar)?.cart).toBeUndefined()
    })
  })

  const bad: [string, string, Record<string, string>, number][] = [
    ['a fractional quantity', '/cart/items', { productId: TEA, quantity: '1.5' }, 400],
    ['a negative quantity', '/cart/items', { productId: TEA, quantity: '-1' }, 400],
    ['an exponent', '/cart/items', { productId: TEA, quantity: '1e9' }, 400],
    ['too many', '/cart/items', { productId: TEA, quantity: '100' }, 400],
    ['an unknown product', '/cart/items', { productId: 'nope', quantity: '1' }, 404],
    ['an update without quantity', `/cart/items/${TEA}`, {}, 400],
  ]
  for (const [label, path, fields, status] of bad) {
    test(`a form with ${label} → ${status} page, session unchanged`, async () => {
      const { app, jar } = await visitorWithCart([{ productId: TEA, quantity: 1 }])
      const before = jar.get('session')
      const res = await jar.request(app, path, form(fields))
      expect(res.status).toBe(status)
      expect(res.headers.get('Content-Type')).toStartWith('text/html')
      expect(await res.text()).toContain('role="alert"')
      expect(res.headers.getSetCookie()).toEqual([])
      expect(jar.get('session')).toBe(before!)
    })
  }

  test('names from the user store are escaped in pages', async () => {
    const name = '<script>alert(1)</script>'
    const app = createApp({
      session: { secret: SECRET },
      secureCookies: false,
      users: new MemoryUserStore([{ id: 'u-x', name, passwordHash: await hashPassword('pw', 1000) }]),
    })
    const jar = new StrictCookieJar()
    await login(app, jar, 'pw', name)
    const page = await (await jar.request(app, '/')).text()
    expect(page).not.toContain(name)
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  test('unknown pages are an HTML 404', async () => {
    const { app } = shop()
    const res = await app.request('/nowhere')
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toStartWith('text/html')
  })
})
