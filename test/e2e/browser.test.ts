import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { BrowserContext, Page } from 'playwright-core'
import { claimsOf } from '../support/forge.ts'
import { chromiumAvailable, freshBrowser, submitLogin } from '../support/browser.ts'
import { BUN_ENTRY, startServer, type RunningServer } from '../support/server.ts'

const enabled = chromiumAvailable()
const TIMEOUT = 30_000

describe.skipIf(!enabled)('in a real browser (Chromium)', () => {
  let server: RunningServer
  let browser: BrowserContext & { dispose(): Promise<void> }
  beforeAll(async () => {
    server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: 'e2e-secret-0123456789-abcdefghijklmn' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  async function newPage(): Promise<Page> {
    browser = await freshBrowser()
    return browser.pages()[0] ?? browser.newPage()
  }
  async function sessionCookie() {
    return (await browser.cookies(server.url)).find((c) => c.name === 'session')
  }
  async function text(page: Page, path: string) {
    await page.goto(server.url + path)
    return (await page.textContent('body'))?.trim()
  }

  test('the tutorial: set, check, pop, check', async () => {
    const page = await newPage()
    try {
      expect(await text(page, '/test/session/check')).toBe('You are not logged in')
      expect(await sessionCookie()).toBeUndefined()
      expect(await text(page, '/test/session/set')).toBe('Test')
      const cookie = await sessionCookie()
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', expires: -1 })
      expect(await text(page, '/test/session/check')).toBe('Logged in as user')
      expect(await text(page, '/test/session/pop')).toBe('Test')
      expect(await sessionCookie()).toBeUndefined()
      expect(await text(page, '/test/session/check')).toBe('You are not logged in')
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('log in through the form, see the name and the flash once, fill the cart, log out: session gone', async () => {
    const page = await newPage()
    try {
      await page.goto(server.url + '/')
      await page.click('#login-link')
      await submitLogin(page, server.url)
      expect(await page.textContent('#user')).toContain('Logged in as user')
      expect(await page.textContent('.flash')).toBe('Logged in as user.')
      await page.reload()
      expect(await page.locator('.flash').count()).toBe(0)
      expect(await page.textContent('h1')).toBe('Welcome, user')

      await page.click('text=Products')
      const row = page.locator('tr[data-product="matcha-ceremonial-30g"]')
      await row.locator('input[name=quantity]').fill('2')
      await Promise.all([page.waitForURL(server.url + '/cart'), row.locator('button').click()])
      expect(await page.textContent('.flash')).toContain('Added 2 × Ceremonial Matcha, 30 g')
      expect(await page.textContent('#cart-total')).toBe('$57.80')
      expect(await page.textContent('#cart-link')).toBe('Cart (2)')

      await Promise.all([page.waitForURL(server.url + '/'), page.click('text=Log out')])
      expect(await page.textContent('.flash')).toBe('You have been logged out.')
      expect(await page.locator('#user').count()).toBe(0)
      expect(await sessionCookie()).toBeUndefined()
      expect(await page.textContent('#cart-link')).toBe('Cart (0)')
      const me = await page.goto(server.url + '/api/me')
      expect(me!.status()).toBe(401)
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('the cart survives login, and checkout empties it', async () => {
    const page = await newPage()
    try {
      await page.goto(server.url + '/products')
      await page.locator('tr[data-product="gift-card-25"] button').click()
      await page.waitForURL(server.url + '/cart')
      const anonymousId = claimsOf((await sessionCookie())!.value).sid
      await page.goto(server.url + '/login')
      await submitLogin(page, server.url)
      expect(claimsOf((await sessionCookie())!.value).sid).not.toBe(anonymousId)
      await page.goto(server.url + '/cart')
      expect(await page.textContent('#cart-total')).toBe('$25.00')
      await Promise.all([page.waitForURL(server.url + '/'), page.click('text=Check out')])
      expect(await page.textContent('.flash')).toMatch(/Thank you! Order ord_\S+ is placed: 1 items, \$25\.00\./)
      await page.goto(server.url + '/cart')
      expect(await page.textContent('#empty-cart')).toContain('Your cart is empty')
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('a wrong password shows an error that does not say which part was wrong', async () => {
    const page = await newPage()
    try {
      await page.goto(server.url + '/login')
      await page.fill('#username', 'user')
      await page.fill('#password', 'nope')
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button[type=submit]')])
      expect(response.status()).toBe(401)
      expect(await page.textContent('[role=alert]')).toBe('Invalid user name or password.')
      expect(await sessionCookie()).toBeUndefined()
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('a form on another site posting to the shop is refused with 403', async () => {
    // The attacker's page lives on another origin (localhost vs 127.0.0.1: another site, too).
    const evil = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () =>
        new Response(`<form method="post" action="${server.url}/cart/items">
          <input name="productId" value="gift-card-25"><input name="quantity" value="5"></form>`, { headers: { 'Content-Type': 'text/html' } }),
    })
    const page = await newPage()
    try {
      await page.goto(server.url + '/test/session/set')
      const before = claimsOf((await sessionCookie())!.value)
      await page.goto(`http://localhost:${evil.port}/`)
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/cart/items')),
        page.evaluate(() => document.forms[0]!.submit()),
      ])
      expect(response.status()).toBe(403)
      await page.waitForURL(server.url + '/cart/items')
      // The token may have been reissued meanwhile (the browser fetches /favicon.ico); the session is the same.
      const after = claimsOf((await sessionCookie())!.value)
      expect([after.sid, after.data]).toEqual([before.sid, before.data])
      await page.goto(server.url + '/api/cart')
      expect(JSON.parse((await page.textContent('body'))!)).toEqual({ items: [], itemCount: 0, total: 0 })
    } finally {
      await browser.dispose()
      await evil.stop(true)
    }
  }, TIMEOUT)
})
