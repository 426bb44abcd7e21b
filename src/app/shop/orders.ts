import { base64url } from 'jose'
import type { User } from '../auth/users.ts'
import { CartError, viewCart, type CartItemView, type CartLine } from './cart.ts'

export interface Order {
  id: string
  userId: string
  items: CartItemView[]
  itemCount: number
  /** Cents. */
  total: number
  /** ISO 8601. */
  placedAt: string
}

/** Turns the cart into an order; the caller empties the cart. */
export function placeOrder(user: User, lines: readonly CartLine[], now: Date): Order {
  const cart = viewCart(lines)
  if (cart.items.length === 0) throw new CartError(409, 'The cart is empty')
  return {
    id: `ord_${base64url.encode(crypto.getRandomValues(new Uint8Array(9)))}`,
    userId: user.id,
    ...cart,
    placedAt: now.toISOString(),
  }
}
