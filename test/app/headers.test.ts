// The HTML pages' headers and markup (issue 10, finding 7): what a browser is told about framing, sniffing
// and which styles and scripts may run.
import { describe, expect, test } from 'bun:test'
import { STYLE } from '../../src/app/views/layout.ts'
import { appWithLog } from '../support/app-with-log.ts'

async function sha256Base64(text: string): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64')
}

describe('the style sheet', () => {
  test('is served as written: its quotes are not entity-escaped (a <style> decodes no entities)', async () => {
    const { app } = appWithLog()
    const page = await (await app.request('/login')).text()
    const sheet = /<style[^>]*>([\s\S]*?)<\/style>/.exec(page)![1]!
    expect(sheet).toBe(STYLE)
    expect(sheet).toContain('"Segoe UI"')
  })
})

describe('security headers on the HTML pages', () => {
  const pages: [string, string, RequestInit?][] = [
    ['home', '/'],
    ['login form', '/login'],
    ['products', '/products'],
    ['cart', '/cart'],
    ['a 404 page', '/nowhere'],
    ['a failed login (401)', '/login', { method: 'POST', body: new URLSearchParams({ username: 'user', password: 'nope' }) }],
    ['a cross-site post (403)', '/cart/items', { method: 'POST', body: new URLSearchParams({ productId: 'gift-card-25' }), headers: { Origin: 'https://evil.example' } }],
    ['a bad form (400)', '/cart/items', { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }],
  ]
  for (const [label, path, init] of pages) {
    test(`${label}: a CSP that allows only the page's own style sheet (by its hash), no framing, no sniffing`, async () => {
      const { app } = appWithLog()
      const res = await app.request(path, init)
      expect(res.headers.get('Content-Type')).toStartWith('text/html')
      const page = await res.text()
      const sheets = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!)
      expect(sheets).toHaveLength(1)
      const csp = res.headers.get('Content-Security-Policy')!
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]))
      expect(directives).toEqual({
        'default-src': "'none'",
        'style-src': `'sha256-${await sha256Base64(sheets[0]!)}'`,
        'form-action': "'self'",
        'frame-ancestors': "'none'",
        'base-uri': "'none'",
      })
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(res.headers.get('X-Frame-Options')).toBe('DENY')
      expect(res.headers.get('Referrer-Policy')).toBe('same-origin')
      expect(res.headers.get('Strict-Transport-Security')).toBeNull() // plain HTTP in development
      // Nothing the policy would block: no script, no inline handlers or style attributes, no javascript: URLs.
      expect(page).not.toMatch(/<script|\son[a-z]+\s*=|\sstyle\s*=|javascript:/i)
    })
  }

  test('the JSON API and the tutorial\'s text are not sniffed or framed either', async () => {
    const { app } = appWithLog()
    for (const path of ['/api/cart', '/api/me', '/test/session/check']) {
      const res = await app.request(path)
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'")
    }
  })

  test('HSTS only where the cookies are Secure (HTTPS), without includeSubDomains', async () => {
    const { app } = appWithLog({ secureCookies: true })
    const res = await app.request('https://shop.example/login')
    expect(res.headers.get('Strict-Transport-Security')).toBe('max-age=15552000')
  })

  test('the site\'s own form posts still pass the cross-site check (no Referrer-Policy that blanks Origin)', async () => {
    const { app } = appWithLog()
    const res = await app.request('http://localhost/login', {
      method: 'POST',
      body: new URLSearchParams({ username: 'user', password: 'password' }),
      headers: { Origin: 'http://localhost' },
    })
    expect(res.status).toBe(303)
  })
})
