import type { Context } from 'hono'

function hasToken(list: string | null, token: string): boolean {
  return list !== null && list.split(',').some((part) => {
    const value = part.trim().toLowerCase()
    return value === token || value === '*'
  })
}

/**
 * Applies the change to the response's own headers: re-creating the finalized Response (as
 * `c.header()` does) costs a copy of the body stream. Only a Response with immutable headers,
 * e.g. one passed through from `fetch()`, is copied.
 */
function editHeaders(c: Context, edit: (headers: Headers) => void): void {
  try {
    edit(c.res.headers)
  } catch {
    c.res = new Response(c.res.body, c.res)
    edit(c.res.headers)
  }
}

function addVaryCookie(headers: Headers): void {
  if (!hasToken(headers.get('Vary'), 'cookie')) headers.append('Vary', 'Cookie')
}

/** Marks the response as depending on the Cookie header, for every cache on the way. */
export function varyOnCookie(c: Context): void {
  editHeaders(c, addVaryCookie)
}

/** Sends the session cookie; no shared cache may keep a response that carries one. */
export function sendSessionCookie(c: Context, setCookie: string): void {
  editHeaders(c, (headers) => {
    headers.append('Set-Cookie', setCookie)
    headers.set('Cache-Control', 'private, no-store')
    addVaryCookie(headers)
  })
}
