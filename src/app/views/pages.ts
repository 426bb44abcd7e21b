import { html } from 'hono/html'
import { MAX_QUANTITY, type CartView } from '../shop/cart.ts'
import { formatPrice, type Product } from '../shop/catalogue.ts'
import type { Html } from './layout.ts'

export function homePage(userName: string | undefined, cart: CartView, options: { everywhere: boolean }): Html {
  return html`<h1>Welcome${userName === undefined ? '' : html`, ${userName}`}</h1>
    <p>${userName === undefined
      ? html`You are not logged in. <a href="/login">Log in</a> to check out; your cart is kept either way.`
      : html`Your session knows who you are until you log out or stay away too long.`}</p>
    ${userName === undefined || !options.everywhere
      ? ''
      : html`<form method="post" action="/logout" id="logout-everywhere">
          <input type="hidden" name="everywhere" value="1" />
          <button class="secondary" type="submit">Log out on all devices</button>
        </form>`}
    <p>Your <a href="/cart">cart</a> holds ${cart.itemCount} ${cart.itemCount === 1 ? 'item' : 'items'}${cart.itemCount > 0 ? html` worth ${formatPrice(cart.total)}` : ''}.
      Browse the <a href="/products">products</a>.</p>`
}

export function loginPage(options: { error?: string; demoHint: boolean; username?: string }): Html {
  return html`<h1>Log in</h1>
    ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
    <form method="post" action="/login">
      <label for="username">User name</label>
      <input id="username" name="username" autocomplete="username" required value="${options.username ?? ''}" />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      <p><button type="submit">Log in</button></p>
    </form>
    ${options.demoHint ? html`<p class="muted">Demo account: <code>user</code> / <code>password</code>.</p>` : ''}`
}

export function productsPage(products: readonly Product[]): Html {
  return html`<h1>Products</h1>
    <table>
      <thead><tr><th>Product</th><th class="num">Price</th><th></th></tr></thead>
      <tbody>
        ${products.map(
          (p) => html`<tr data-product="${p.id}">
            <td>${p.name}</td>
            <td class="num">${formatPrice(p.price)}</td>
            <td class="num">
              <form class="inline" method="post" action="/cart/items">
                <input type="hidden" name="productId" value="${p.id}" />
                <input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" aria-label="Quantity of ${p.name}" />
                <button type="submit">Add to cart</button>
              </form>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`
}

export function cartPage(cart: CartView, loggedIn: boolean): Html {
  if (cart.items.length === 0) {
    return html`<h1>Your cart</h1><p id="empty-cart">Your cart is empty. Find something in the <a href="/products">products</a>.</p>`
  }
  return html`<h1>Your cart</h1>
    <table id="cart">
      <thead><tr><th>Product</th><th class="num">Price</th><th>Quantity</th><th class="num">Total</th><th></th></tr></thead>
      <tbody>
        ${cart.items.map(
          (item) => html`<tr data-product="${item.productId}">
            <td>${item.name}</td>
            <td class="num">${formatPrice(item.unitPrice)}</td>
            <td>
              <form class="inline" method="post" action="/cart/items/${item.productId}">
                <input type="number" name="quantity" value="${item.quantity}" min="0" max="${MAX_QUANTITY}" aria-label="Quantity of ${item.name}" />
                <button class="secondary" type="submit">Update</button>
              </form>
            </td>
            <td class="num">${formatPrice(item.lineTotal)}</td>
            <td class="num">
              <form class="inline" method="post" action="/cart/items/${item.productId}/remove">
                <button class="secondary" type="submit">Remove</button>
              </form>
            </td>
          </tr>`,
        )}
      </tbody>
      <tfoot><tr><td colspan="3">${cart.itemCount} ${cart.itemCount === 1 ? 'item' : 'items'}</td><td class="num" id="cart-total">${formatPrice(cart.total)}</td><td></td></tr></tfoot>
    </table>
    <div class="actions">
      ${loggedIn
        ? html`<form method="post" action="/cart/checkout"><button type="submit">Check out</button></form>`
        : html`<span class="muted"><a href="/login">Log in</a> to check out.</span>`}
    </div>`
}

export function errorPage(status: number, message: string): Html {
  return html`<h1>${status === 404 ? 'Not found' : 'Something is wrong'}</h1>
    <p class="error" role="alert">${message}</p>
    <p><a href="/cart">Back to your cart</a> · <a href="/">Home</a></p>`
}
