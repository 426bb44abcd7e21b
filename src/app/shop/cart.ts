import { base64url } from 'jose'
import type { Session } from 'hono-jwt-session'
import type { User } from '../auth/users.ts'
import type { AppSession } from '../env.ts'
import { findProduct, type Product } from './catalogue.ts'

/** One line of the cart as the session stores it: only what the user chose. */
export interface CartLine {
  productId: string
  quantity: number
}

/** Per line; more is a typo or a script, not a customer. */
export const MAX_QUANTITY = 99

/** Bad cart input, with the HTTP status it deserves. Thrown before the session is touched. */
export class CartError extends Error {
  override name = 'CartError'
  constructor(
    readonly status: 400 | 401 | 404 | 409,
    message: string,
  ) {
    super(message)
  }
}

export function checkProduct(productId: unknown): Product {
  if (typeof productId !== 'string' || productId === '') throw new CartError(400, 'productId must be a non-empty string')
  const product = findProduct(productId)
  if (product === undefined) throw new CartError(404, `Unknown product: ${productId}`)
  return product
}

/** A whole number from 1 (or 0 where 0 means "remove") to MAX_QUANTITY; a numeric string is not a number. */
export function checkQuantity(quantity: unknown, { allowZero }: { allowZero: boolean }): number {
  const min = allowZero ? 0 : 1
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < min || quantity > MAX_QUANTITY) {
    throw new CartError(400, `quantity must be a whole number from ${min} to ${MAX_QUANTITY}`)
  }
  return quantity
}

export interface CartItemView extends CartLine {
  name: string
  /** Cents. */
  unitPrice: number
  /** Cents: unitPrice × quantity. */
  lineTotal: number
}

export interface CartView {
  items: CartItemView[]
  /** Units across all lines. */
  itemCount: number
  /** Cents. */
  total: number
}

export interface Order extends CartView {
  id: string
  userId: string
  /** ISO 8601. */
  placedAt: string
}

/** The cart with names, prices and totals, skipping products no longer sold. */
function viewOf(lines: readonly CartLine[]): CartView {
  const items: CartItemView[] = []
  for (const line of lines) {
    const product = findProduct(line.productId)
    if (product === undefined) continue
    items.push({ ...line, name: product.name, unitPrice: product.price, lineTotal: product.price * line.quantity })
  }
  return {
    items,
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    total: items.reduce((sum, item) => sum + item.lineTotal, 0),
  }
}

/**
 * The visitor's cart, kept in the session under `cart`. Every change checks its input first and then
 * writes the whole cart back, so a refused change leaves the session untouched; an emptied cart is
 * removed, so an anonymous visitor who empties it ends up with no cookie.
 */
export class Cart {
  readonly #session: Session<AppSession>

  constructor(session: Session<AppSession>) {
    this.#session = session
  }

  view(): CartView {
    return viewOf(this.#lines())
  }

  /** Adds to the line for that product (quantities sum, up to MAX_QUANTITY), or appends a new line. */
  add(product: Product, quantity: number): CartView {
    const current = this.#lines().find((line) => line.productId === product.id)?.quantity ?? 0
    if (current + quantity > MAX_QUANTITY) {
      throw new CartError(400, `quantity must be a whole number from 1 to ${MAX_QUANTITY}: the cart already holds ${current}`)
    }
    return this.set(product, current + quantity)
  }

  /** Sets the quantity of a product; 0 removes its line. */
  set(product: Product, quantity: number): CartView {
    const lines = this.#lines()
    let next: CartLine[]
    if (quantity === 0) next = lines.filter((line) => line.productId !== product.id)
    else if (!lines.some((line) => line.productId === product.id)) next = [...lines, { productId: product.id, quantity }]
    else next = lines.map((line) => (line.productId === product.id ? { productId: product.id, quantity } : line))
    this.#write(next)
    return viewOf(next)
  }

  remove(product: Product): CartView {
    return this.set(product, 0)
  }

  /** Turns the cart into an order for `user` and empties it (a purchase empties the cart). */
  checkout(user: User, now: Date): Order {
    const cart = this.view()
    if (cart.items.length === 0) throw new CartError(409, 'The cart is empty')
    this.#write([])
    return {
      id: `ord_${base64url.encode(crypto.getRandomValues(new Uint8Array(9)))}`,
      userId: user.id,
      ...cart,
      placedAt: now.toISOString(),
    }
  }

  #lines(): CartLine[] {
    return this.#session.get('cart', [])
  }

  #write(lines: CartLine[]): void {
    if (lines.length === 0) this.#session.delete('cart')
    else this.#session.set('cart', lines)
  }
}
