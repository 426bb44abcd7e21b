import { SessionValueError } from './errors.ts'

/** A JSON value that is not a container. Numbers must be finite: NaN and Infinity have no JSON form. */
export type JsonPrimitive = string | number | boolean | null
/** Any value JSON carries unchanged: what a session may hold. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
/** A JSON object: a session's values as one object, as the token's `data` claim holds them. */
export type JsonObject = { [key: string]: JsonValue }

/**
 * Compile-time mirror of `assertJsonValue`: T itself when every part of it survives JSON unchanged.
 * Works for interfaces too, which a plain `JsonValue` constraint would reject.
 */
export type JsonCompatible<T> = T extends JsonPrimitive
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer U)[]
      ? readonly JsonCompatible<U>[]
      : T extends object
        ? { [K in keyof T]: K extends string ? JsonCompatible<T[K]> : never }
        : never

function describe(value: unknown): string {
  if (value === undefined) return 'is undefined'
  if (typeof value === 'number') return `is the number ${String(value)}, which JSON cannot represent`
  if (typeof value === 'object' && value !== null) {
    return `is a ${value.constructor?.name ?? 'object'} instance, not a plain object or array`
  }
  return `is a ${typeof value}`
}

/** Where a value sits, for error messages: `session.cart[2].price`, `session["odd key"]`. */
export function jsonPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`
}

/**
 * Throws SessionValueError unless `value` is made only of null, booleans, finite numbers, strings,
 * arrays and plain objects, without cycles: exactly what `JSON.parse(JSON.stringify(value))` returns unchanged.
 */
export function assertJsonValue(value: unknown, path: string, ancestors: object[] = []): asserts value is JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return
    case 'number':
      if (Number.isFinite(value)) return
      throw new SessionValueError(path, describe(value))
    case 'object': {
      if (value === null) return
      if (ancestors.includes(value)) throw new SessionValueError(path, 'refers back to itself (a cycle)')
      ancestors.push(value)
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) throw new SessionValueError(jsonPath(path, i), 'is a hole in a sparse array')
          assertJsonValue(value[i], jsonPath(path, i), ancestors)
        }
      } else {
        const proto = Object.getPrototypeOf(value)
        if (proto !== Object.prototype && proto !== null) throw new SessionValueError(path, describe(value))
        if (Object.getOwnPropertySymbols(value).length > 0) throw new SessionValueError(path, 'has symbol keys')
        for (const key of Object.keys(value)) {
          assertJsonValue((value as Record<string, unknown>)[key], jsonPath(path, key), ancestors)
        }
      }
      ancestors.pop()
      return
    }
    default:
      throw new SessionValueError(path, describe(value))
  }
}

