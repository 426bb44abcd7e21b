import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { FlashMessage } from 'hono-jwt-session'

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>

export interface PageChrome {
  title: string
  /** The logged-in user's name, or undefined. */
  userName: string | undefined
  /** Units in the cart, for the header link. */
  cartCount: number
  flashes: readonly FlashMessage[]
}

/** The site's only style sheet. Inserted as written: inside <style> the browser decodes no entities. */
export const STYLE = `
  :root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #2f6f4e; --bg: #f7f5f0; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: center; gap: 1.5rem; padding: .9rem 2rem; background: #fff; border-bottom: 1px solid var(--line); }
  header .brand { font-weight: 700; font-size: 1.15rem; color: var(--accent); text-decoration: none; margin-right: auto; }
  header a { color: var(--ink); }
  main { max-width: 60rem; margin: 2rem auto; padding: 0 2rem; }
  h1 { font-size: 1.6rem; margin: 0 0 1rem; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
  th, td { padding: .55rem .8rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
  th { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tfoot td { font-weight: 700; }
  form.inline { display: inline-flex; gap: .4rem; align-items: center; margin: 0; }
  input[type=number] { width: 4.5rem; }
  input, button { font: inherit; padding: .3rem .5rem; }
  button { cursor: pointer; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; }
  button.secondary { background: #fff; color: var(--accent); }
  button.link { border: none; background: none; color: var(--ink); text-decoration: underline; padding: 0; }
  .flash { padding: .6rem 1rem; border-radius: 4px; margin-bottom: 1rem; border: 1px solid; }
  .flash.success { background: #e3f9e5; border-color: #91d8a0; }
  .flash.info { background: #e6f6ff; border-color: #84c5f4; }
  .flash.warning, .flash.error { background: #fff3c4; border-color: #f0b429; }
  .error { color: #ab091e; font-weight: 600; }
  .muted { color: var(--muted); }
  .actions { display: flex; justify-content: flex-end; gap: 1rem; margin-top: 1rem; align-items: center; }
  label { display: block; margin: .6rem 0 .2rem; }
`

/** The frame of every page: header with login state and cart, the flash messages, then the content. */
export function layout(chrome: PageChrome, content: Html): Html {
  const { title, userName, cartCount, flashes } = chrome
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · Session Shop</title>
    <style>${raw(STYLE)}</style>
  </head>
  <body>
    <header>
      <a class="brand" href="/">Session Shop</a>
      <a href="/products">Products</a>
      <a href="/cart" id="cart-link">Cart (${cartCount})</a>
      ${userName === undefined
        ? html`<a href="/login" id="login-link">Log in</a>`
        : html`<span id="user">Logged in as <strong>${userName}</strong></span>
            <form class="inline" method="post" action="/logout"><button class="link" type="submit">Log out</button></form>`}
    </header>
    <main>
      ${flashes.map((f) => html`<div class="flash ${f.category}" role="status">${f.message}</div>`)}
      ${content}
    </main>
  </body>
</html>`
}
