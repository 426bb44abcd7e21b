// The Content-Security-Policy in a real browser: every page renders styled and Chromium reports no
// violation, neither as a `securitypolicyviolation` event nor on the console.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { BrowserContext, Page } from 'playwright-core'
import { chromiumAvailable, freshBrowser, submitLogin } from '../support/browser.ts'
import { BUN_ENTRY, startServer, type RunningServer } from '../support/server.ts'

const enabled = chromiumAvailable()
const TIMEOUT = 30_000

/** What the page reported: violation events (recorded by a script the browser runs outside the page's CSP) and console lines. */
interface Reports {
  violations(): Promise<string[]>
  console: string[]
}

async function watch(browser: BrowserContext, page: Page): Promise<Reports> {
  // Init scripts are injected through the DevTools protocol, which the page's CSP does not govern.
  await browser.addInitScript(() => {
    const seen: string[] = []
    ;(globalThis as { cspViolations?: string[] }).cspViolations = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} on ${location.pathname}`))
  })
  const console: string[] = []
  page.on('console', (message) => {
    if (/content security policy|refused to/i.test(message.text())) console.push(message.text())
  })
  return { violations: () => page.evaluate(() => (globalThis as { cspViolations?: string[] }).cspViolations ?? []), console }
}

/** What the style sheet sets, read from the rendered page. */
function computedStyle(page: Page) {
  return page.evaluate(() => {
    const body = getComputedStyle(document.body)
    const header = getComputedStyle(document.querySelector('header')!)
    return { background: body.backgroundColor, font: body.fontFamily, header: header.display }
  })
}

const STYLED = { background: 'rgb(247, 245, 240)', font: expect.stringContaining('system-ui'), header: 'flex' }

describe.skipIf(!enabled)('Content-Security-Policy in Chromium', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: 'csp-e2e-secret-0123456789-abcdefghijk' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  test('every page renders styled, with no CSP violation reported', async () => {
    const browser = await freshBrowser()
    try {
      const page = browser.pages()[0] ?? (await browser.newPage())
      const reports = await watch(browser, page)
      const styles: Record<string, unknown> = {}
      const violations: string[] = []
      const look = async (label: string) => {
        styles[label] = await computedStyle(page)
        violations.push(...(await reports.violations()))
      }

      await page.goto(server.url + '/')
      await look('home')
      await page.goto(server.url + '/nowhere')
      await look('404')
      await page.goto(server.url + '/login')
      await page.fill('#username', 'user')
      await page.fill('#password', 'wrong')
      await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), page.click('button[type=submit]')])
      await look('failed login')
      await submitLogin(page, server.url)
      await look('home, logged in')
      await page.goto(server.url + '/products')
      await look('products')
      await Promise.all([page.waitForURL(server.url + '/cart'), page.locator('tr[data-product="gift-card-25"] button').click()])
      await look('cart')

      expect(styles).toEqual(Object.fromEntries(Object.keys(styles).map((label) => [label, STYLED])))
      expect(violations).toEqual([])
      expect(reports.console).toEqual([])
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('the watch works: a style sheet the policy does not name is blocked and reported', async () => {
    const browser = await freshBrowser()
    try {
      const page = browser.pages()[0] ?? (await browser.newPage())
      const reports = await watch(browser, page)
      await page.goto(server.url + '/login')
      await page.evaluate(() => {
        const style = document.createElement('style')
        style.textContent = 'body { background: red }'
        document.head.append(style)
      })
      await page.waitForFunction(() => ((globalThis as { cspViolations?: string[] }).cspViolations ?? []).length > 0)
      expect(await reports.violations()).toEqual([expect.stringMatching(/^style-src-elem blocked inline on \/login$/)])
      expect((await computedStyle(page)).background).toBe(STYLED.background)
      expect(reports.console.join('\n')).toMatch(/Content Security Policy/)
    } finally {
      await browser.dispose()
    }
  }, TIMEOUT)

  test('another site cannot frame a page', async () => {
    const framer = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: () => new Response(`<iframe src="${server.url}/login"></iframe>`, { headers: { 'Content-Type': 'text/html' } }),
    })
    const browser = await freshBrowser()
    try {
      const page = browser.pages()[0] ?? (await browser.newPage())
      const console: string[] = []
      page.on('console', (message) => console.push(message.text()))
      await page.goto(`http://localhost:${framer.port}/`) // waits for the load event, which waits for the frame
      const frame = page.frames().find((f) => f !== page.mainFrame())!
      // Blocked: Chromium puts its own error page in the frame instead of the login form, and says why.
      expect(await frame.locator('#username').count()).toBe(0)
      expect(console.join('\n')).toMatch(/Framing .* violates .*frame-ancestors 'none'/)
    } finally {
      await browser.dispose()
      await framer.stop(true)
    }
  }, TIMEOUT)
})
