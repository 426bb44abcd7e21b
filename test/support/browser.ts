// Chromium for the e2e tests: chromiumAvailable() decides skip or fail (CI must run them), freshBrowser()
// gives a profile of its own to dispose() after the test, submitLogin() fills the shop's login form.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const INSTALL_HINT = 'apt-get update && apt-get install -y chromium'

/** Whether browser tests can run here. In CI a missing Chromium is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run should have installed it (${INSTALL_HINT})`)
  console.warn(`Skipping browser tests: Chromium not found at ${CHROMIUM}. Install it with: ${INSTALL_HINT}`)
  return false
}

// Without the background-networking flags Chromium keeps dialling out, which this sandbox refuses.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A fresh browser profile (its own cookie jar); `close()` removes it. */
export async function freshBrowser(): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'session-e2e-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 720 },
  })
  return Object.assign(context, {
    async dispose() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  })
}

/** Fills and submits the login form on the current page (already at /login) and waits for the redirect home. */
export async function submitLogin(page: Page, base: string, password = 'password'): Promise<void> {
  await page.fill('#username', 'user')
  await page.fill('#password', password)
  await Promise.all([page.waitForURL(base + '/'), page.click('button[type=submit]')])
}
