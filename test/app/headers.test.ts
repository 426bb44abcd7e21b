// The HTML pages' headers and markup (issue 10, finding 7): what a browser is told about framing, sniffing
// and which styles and scripts may run.
import { describe, expect, test } from 'bun:test'
import { STYLE } from '../../src/app/views/layout.ts'
import { appWithLog } from '../support/app-with-log.ts'

describe('the style sheet', () => {
  test('is served as written: its quotes are not entity-escaped (a <style> decodes no entities)', async () => {
    const { app } = appWithLog()
    const page = await (await app.request('/login')).text()
    const sheet = /<style[^>]*>([\s\S]*?)<\/style>/.exec(page)![1]!
    expect(sheet).toBe(STYLE)
    expect(sheet).toContain('"Segoe UI"')
  })
})
