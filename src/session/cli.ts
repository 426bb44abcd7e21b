#!/usr/bin/env node
// `npx hono-jwt-session` (or bunx, or `deno run npm:hono-jwt-session`): prints a new secret and nothing
// else, so `SESSION_SECRET=$(npx hono-jwt-session)` works.
import { generateSecret } from './secret.ts'

console.log(generateSecret())
