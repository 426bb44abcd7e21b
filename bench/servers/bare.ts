// The ceiling: the same route with no session at all.
import { Hono } from 'hono'
import type { Build } from './shared.ts'

const build: Build = () => {
  const app = new Hono()
  app.get('/test/session/set', (c) => c.text('Test'))
  app.get('/test/session/check', (c) => c.text('You are not logged in'))
  return app
}
export default build
