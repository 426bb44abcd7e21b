// Makes the README's screenshot of the cart page: bun run screenshot
import { join } from 'node:path'
import { freshBrowser, submitLogin } from '../support/browser.ts'
import { BUN_ENTRY, startServer } from '../support/server.ts'

const out = join(import.meta.dir, 'cart.png')
const server = await startServer(['bun', BUN_ENTRY], { SESSION_SECRET: 'screenshot-secret-0123456789-abcdefghij' })
const browser = await freshBrowser()
try {
  const page = browser.pages()[0] ?? (await browser.newPage())
  await page.goto(server.url + '/login')
  await submitLogin(page, server.url)
  for (const [id, quantity] of [['sencha-uji-100g', '2'], ['gooseneck-kettle-1l', '1'], ['ethiopia-yirgacheffe-250g', '3']] as const) {
    await page.goto(server.url + '/products')
    const row = page.locator(`tr[data-product="${id}"]`)
    await row.locator('input[name=quantity]').fill(quantity)
    await Promise.all([page.waitForURL(server.url + '/cart'), row.locator('button').click()])
  }
  await page.screenshot({ path: out })
  console.log(`wrote ${out}`)
} finally {
  await browser.dispose()
  await server.stop()
}
