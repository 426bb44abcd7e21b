import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'

function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

/** The request body as a JSON object; 400 for any other content type, malformed JSON or a non-object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  if (mediaType(c) !== 'application/json') throw new HTTPException(400, { message: 'Content-Type must be application/json' })
  let body: unknown
  try {
    body = JSON.parse(await c.req.text())
  } catch {
    throw new HTTPException(400, { message: 'The body is not valid JSON' })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HTTPException(400, { message: 'The body must be a JSON object' })
  }
  return body as Record<string, unknown>
}

/** The fields of an HTML form post (text fields only); 400 for any other content type or a body that cannot be parsed. */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = mediaType(c)
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    throw new HTTPException(400, { message: 'Expected a form post' })
  }
  let body: Awaited<ReturnType<typeof c.req.parseBody>>
  try {
    body = await c.req.parseBody()
  } catch (error) {
    // A broken multipart body (no final boundary, a bad boundary, a truncated part) or a body the
    // client stopped sending: the client's mistake, not ours. An HTTP error (413 from bodyLimit) stays itself.
    if (error instanceof HTTPException) throw error
    throw new HTTPException(400, { message: 'The form could not be read' })
  }
  const fields: Record<string, string> = Object.create(null)
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[name] = value
  }
  return fields
}

/** A form's quantity field: digits only, so "1.5", "-1" and "1e9" are refused like their JSON twins. */
export function formNumber(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined
  return /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : value
}
