import { CATALOGUE, findProduct, type Product } from './catalogue.ts'

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

/** Adds to the line for that product (quantities sum), or appends a new line. */
export function addToCart(lines: readonly CartLine[], product: Product, quantity: number): CartLine[] {
  const current = lines.find((line) => line.productId === product.id)?.quantity ?? 0
  if (current + quantity > MAX_QUANTITY) {
    throw new CartError(400, `quantity must be a whole number from 1 to ${MAX_QUANTITY}: the cart already holds ${current}`)
  }
  return setInCart(lines, product, current + quantity)
}

/** Sets the quantity of a product; 0 removes its line. */
export function setInCart(lines: readonly CartLine[], product: Product, quantity: number): CartLine[] {
  if (quantity === 0) return lines.filter((line) => line.productId !== product.id)
  if (!lines.some((line) => line.productId === product.id)) return [...lines, { productId: product.id, quantity }]
  return lines.map((line) => (line.productId === product.id ? { productId: product.id, quantity } : line))
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

/** The cart with names, prices and totals, skipping products no longer sold. */
export function viewCart(lines: readonly CartLine[]): CartView {
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

export { CATALOGUE }
