import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { session, SessionTooLargeError, type SessionOptions } from '../session'
import type { AppEnv } from './env'
import { tutorialRoutes } from './routes/tutorial'

export interface AppConfig {
  session: SessionOptions
}

/** The whole app as one Web-standard `fetch` handler; each runtime's entry file serves it. */
export function createApp(config: AppConfig) {
  const app = new Hono<AppEnv>()
  app.use(session(config.session))
  app.route('/test/session', tutorialRoutes)
  app.onError((error, c) => {
    if (error instanceof SessionTooLargeError) {
      return c.text('The session is too large to store. Nothing was changed; remove something and try again.', 413)
    }
    if (error instanceof HTTPException) return error.getResponse()
    console.error('Unhandled error', error)
    return c.text('Internal Server Error', 500)
  })
  return app
}

export type App = ReturnType<typeof createApp>
