// `npm run screenshots`: regenerates docs/images/admin-*.png from a running example. The spam
// example runs on the redis engine against a redis-server started here on a free port (so it
// touches no other Redis), its stage workers in this process, fed by its producer at a slow
// pace so the page shows work in flight; one record the schema refuses gives a dead letter.
// The admin page is opened in Debian's chromium and captured twice: the graph, and a stage's
// details with its dead letters.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { emailSource, app as spam } from '../examples/spam/app.js'
import { startAdminServer } from '../src/admin/server.js'
import type { App } from '../src/index.js'
import { connectAdmin, startRun } from '../src/runtime/index.js'
import { loadManifest } from '../src/runtime/manifest.js'
import { runProducer } from '../src/runtime/producers/run-producer.js'
import { waitForUpdates } from '../test/support/admin-fixtures.js'
import { launchBrowser } from '../test/support/browser.js'
import { startRedisServer } from '../test/support/redis.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const images = path.join(root, 'docs', 'images')

const redis = await startRedisServer()
const settings = { url: redis.url, prefix: 'screenshots' }
const pipelines = [...spam.pipelines.values()]
const run = await startRun('redis', pipelines, { settings })
const admin = await connectAdmin('redis', settings)
const server = await startAdminServer({
  admin,
  engine: 'redis',
  apps: [spam as unknown as App<Record<string, unknown>>],
  manifest: loadManifest(path.join(root, 'generated', 'manifest.json')),
  shapesFile: path.join(root, 'generated', 'shapes.ts'),
  port: 0,
  intervalMs: 500,
})
const browser = await launchBrowser({ width: 1600, height: 1000 })
const feeding = new AbortController()
try {
  // A record the input schema refuses: it becomes a dead letter of the first stage.
  await run.push('spam.emails', { id: 'bad/1', label: 'spam?', split: 'train', text: '<b>not a valid label</b>' }, 'refused-1')
  const fed = runProducer(emailSource, run, { signal: feeding.signal })
  const page = await browser.context.newPage()
  await page.goto(server.url)
  await waitForUpdates(page, 4)
  await page.screenshot({ path: path.join(images, 'admin-graph.png') })

  await page.locator('g.node.stage[data-queue="spam.emails.input"]').click()
  await page.locator('.letter[data-letter="refused-1"] [data-action="open"]').click()
  await page.locator('[data-role="payload"]').waitFor()
  await page.screenshot({ path: path.join(images, 'admin-stage.png') })
  feeding.abort()
  await fed.catch(() => {})
  console.log(`wrote ${path.relative(root, path.join(images, 'admin-graph.png'))} and admin-stage.png`)
} finally {
  await browser.close()
  await server.close()
  await admin.close()
  await run.stop()
  await redis.stop()
}
