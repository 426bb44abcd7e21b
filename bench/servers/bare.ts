// The ceiling: the same route with no session at all.
import { Hono } from 'hono'
import { serve } from './serve.ts'

const app = new Hono()
app.get('/test/session/set', (c) => c.text('Test'))
app.get('/test/session/check', (c) => c.text('You are not logged in'))
serve(app)
