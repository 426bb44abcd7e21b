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

/** `private` joins the handler's own directives (a max-age stays); `public` would contradict it and goes. */
function makePrivate(headers: Headers): void {
  const current = headers.get('Cache-Control')
  if (current === null) return headers.set('Cache-Control', 'private')
  const directives = current.split(',').map((d) => d.trim()).filter((d) => d !== '' && d.toLowerCase() !== 'public')
  if (directives.some((d) => d.toLowerCase() === 'private' || d.toLowerCase() === 'no-store')) return
  headers.set('Cache-Control', ['private', ...directives].join(', '))
}

function varyCookie(headers: Headers): void {
  if (!hasToken(headers.get('Vary'), 'cookie')) headers.append('Vary', 'Cookie')
}

/**
 * The response depends on who asked: every cache on the way must key it by the Cookie header, and no
 * shared cache may keep it (a page showing a user's name, an error page included).
 */
export function markPersonal(c: Context): void {
  editHeaders(c, (headers) => {
    varyCookie(headers)
    makePrivate(headers)
  })
}

/** Sends the session cookie; no cache at all may keep a response that carries one. */
export function sendSessionCookie(c: Context, setCookie: string): void {
  editHeaders(c, (headers) => {
    headers.append('Set-Cookie', setCookie)
    headers.set('Cache-Control', 'private, no-store')
    varyCookie(headers)
  })
}
