// The admin page in a real browser (Debian's chromium through playwright-core): a pipeline on the
// redis engine with its stage workers in this process, the page finding every stage, counters
// rising while records flow, a dead letter whose payload holds <script> shown as text, its replay
// (the DLQ count drops, the next stage's count rises); and a 50-pipeline, 300-stage project laid
// out without overlapping nodes.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AdminServer, startAdminServer } from '../src/admin/server.js'
import { App } from '../src/index.js'
import { connectAdmin, type EngineAdmin, type PipelineRun, startRun } from '../src/runtime/index.js'
import { largeProject, openAdminPage } from './support/admin-fixtures.js'
import { launchBrowser, type TestBrowser } from './support/browser.js'
import { FAST_TUNING, settingsFor } from './support/engines.js'
import { deletePrefix, redisUrl, startRedisServer, type TestRedisServer, uniquePrefix } from './support/redis.js'

let browser: TestBrowser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})

/** Where each figure is on a stage node: the row it is written in, and the word before it. */
const FIGURES = {
  processed: ['totals', 'done'],
  failed: ['totals', 'failed'],
  deadLetters: ['totals', 'DLQ'],
  waiting: ['flow', 'queue'],
} as const

/** A stage figure as the page shows it (read off the node's text, as a person reads it). */
const figure = async (page: Page, queue: string, name: keyof typeof FIGURES): Promise<string> => {
  const [row, word] = FIGURES[name]
  const text = (await page.locator(`g[data-queue="${queue}"] [data-fig="${row}"]`).textContent()) ?? ''
  return text.match(new RegExp(`(?:^|· )${word} (\\S+)`))?.[1] ?? ''
}
const number = async (page: Page, queue: string, name: keyof typeof FIGURES): Promise<number> => Number(await figure(page, queue, name))

describe('admin page on the redis engine', () => {
  const app = new App('admin_page')
  let healed = false
  const letters = app.pipeline('letters', { input: z.object({ text: z.string(), n: z.number() }) }, (_p, r) =>
    r
      .subscribeFunc(({ text }) => ({ length: text.length }), { name: 'measure' })
      .subscribeFunc(
        ({ text }) => {
          if (text.includes('<script>') && !healed) throw new Error('markup is not welcome here')
          return { checked: true }
        },
        { name: 'inspect', asWorker: true, retry: { attempts: 1, backoffMs: 1 } },
      )
      .subscribeFunc(({ n }) => ({ done: n }), { name: 'finish', asWorker: true }),
  )
  app.producer('letter_feed', { pipelines: [letters] }, function* () {})
  const queues = ['input', 'inspect', 'finish'].map((stage) => `admin_page.letters.${stage}`)
  const [input, inspect, finish] = queues as [string, string, string]

  let url: string
  let prefix: string
  let run: PipelineRun
  let admin: EngineAdmin
  let server: AdminServer

  beforeAll(async () => {
    url = await redisUrl()
    prefix = uniquePrefix('admin-page')
    const settings = settingsFor('redis', url, prefix, FAST_TUNING)
    run = await startRun('redis', [letters], { settings })
    admin = await connectAdmin('redis', settings)
    server = await startAdminServer({ admin, engine: 'redis', apps: [app], port: 0, intervalMs: 200 })
  })
  afterAll(async () => {
    await server?.close()
    await admin?.close()
    await run?.stop()
    await deletePrefix(url, prefix)
  })

  it('finds every stage, sees counters rise, shows a <script> payload as text, and replays it', async () => {
    const { page, errors } = await openAdminPage(browser, server)
    for (const queue of queues) await expect.poll(() => page.locator(`g.node.stage[data-queue="${queue}"]`).count()).toBe(1)
    await expect.poll(() => page.locator('g.node.producer[data-ref="admin_page.letter_feed"]').count()).toBe(1)

    // Records flow in small waves; the page's counter of the first stage must rise between them.
    const seen: number[] = []
    for (let wave = 0; wave < 5; wave++) {
      for (let i = 0; i < 20; i++) await run.push('admin_page.letters', { text: `letter ${wave}.${i}`, n: wave * 20 + i })
      await expect.poll(() => number(page, input, 'processed'), { timeout: 10_000 }).toBeGreaterThanOrEqual((wave + 1) * 20)
      seen.push(await number(page, input, 'processed'))
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number)
    await expect.poll(() => number(page, finish, 'processed'), { timeout: 10_000 }).toBe(100)

    const markup = '<script>window.__pwned = 1</script><b>bold?</b>'
    await run.push('admin_page.letters', { text: markup, n: 1000 }, 'poison-1')
    await expect.poll(() => figure(page, inspect, 'deadLetters'), { timeout: 10_000 }).toBe('1')
    const finishedBefore = await number(page, finish, 'processed')

    await page.locator(`g.node.stage[data-queue="${inspect}"]`).click()
    const letter = page.locator('.letter[data-letter="poison-1"]')
    await expect.poll(() => letter.count()).toBe(1)
    await expect.poll(async () => (await letter.locator('.error').textContent()) ?? '').toContain('markup is not welcome here')
    await letter.locator('[data-action="open"]').click()
    const payload = page.locator('[data-role="payload"]')
    await expect.poll(async () => (await payload.textContent()) ?? '').toContain(markup)
    // Shown as characters: no element was made of it, and nothing ran.
    expect(await payload.evaluate((node: { children: { length: number } }) => node.children.length)).toBe(0)
    expect(await payload.evaluate((node: { innerHTML: string }) => node.innerHTML)).toContain('&lt;script&gt;')
    expect(await page.evaluate('window.__pwned')).toBeUndefined()

    healed = true
    page.once('dialog', (dialog) => void dialog.accept())
    await page.locator('[data-action="replay-all"]').click()
    await expect.poll(() => figure(page, inspect, 'deadLetters'), { timeout: 10_000 }).toBe('0')
    await expect.poll(() => number(page, finish, 'processed'), { timeout: 10_000 }).toBe(finishedBefore + 1)
    await expect.poll(() => page.locator('.letter').count()).toBe(0)
    expect(await page.evaluate('window.__pwned')).toBeUndefined()
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('admin page layout of a large project', () => {
  const project = largeProject(50, 6)
  let run: PipelineRun
  let server: AdminServer

  beforeAll(async () => {
    run = await startRun('memory', project.pipelines)
    server = await startAdminServer({ admin: run.admin?.() as EngineAdmin, engine: 'memory', apps: project.apps, port: 0 })
  })
  afterAll(async () => {
    await server?.close()
    await run?.stop()
  })

  it('draws 50 pipelines of 6 stages (300 nodes) with no two nodes or pipelines overlapping', async () => {
    const { page, errors } = await openAdminPage(browser, server)
    await expect.poll(() => page.locator('g.node.stage').count()).toBe(300)
    const boxes = (await page.evaluate(
      `[...document.querySelectorAll('g.node .box, rect.cluster')].map((el) => {
        const r = el.getBoundingClientRect()
        return { kind: el.classList.contains('cluster') ? 'cluster' : 'node', x: r.x, y: r.y, w: r.width, h: r.height }
      })`,
    )) as { kind: string; x: number; y: number; w: number; h: number }[]
    const nodes = boxes.filter((b) => b.kind === 'node')
    const clusters = boxes.filter((b) => b.kind === 'cluster')
    expect(nodes).toHaveLength(300)
    expect(clusters).toHaveLength(50)
    const overlaps = (list: typeof boxes): number => {
      let found = 0
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i] as (typeof boxes)[number]
          const b = list[j] as (typeof boxes)[number]
          if (a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5) found++
        }
      return found
    }
    expect(overlaps(nodes)).toBe(0)
    expect(overlaps(clusters)).toBe(0)
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('admin page when the engine goes away', () => {
  const app = new App('admin_outage')
  app.pipeline('one', { input: z.object({ n: z.number() }) }, (_p, r) => r.subscribeFunc(({ n }) => ({ m: n }), { name: 'only' }))
  let redis: TestRedisServer
  let admin: EngineAdmin
  let server: AdminServer

  beforeAll(async () => {
    redis = await startRedisServer()
    admin = await connectAdmin('redis', { url: redis.url, prefix: 'admin-outage' })
    server = await startAdminServer({ admin, engine: 'redis', apps: [app], port: 0, intervalMs: 200 })
  })
  afterAll(async () => {
    await server?.close()
    await admin?.close()
    await redis?.stop()
  })

  it('shows a banner naming the server while Redis is down, and clears it once Redis is back', async () => {
    const { page, errors } = await openAdminPage(browser, server)
    const banner = page.locator('#banner')
    expect(await banner.isHidden()).toBe(true)
    redis.kill('SIGKILL')
    await expect.poll(() => banner.isVisible(), { timeout: 15_000 }).toBe(true)
    expect(await banner.textContent()).toContain(`Cannot read the engine: redis://127.0.0.1:${redis.port}`)
    await redis.restart()
    await expect.poll(() => banner.isHidden(), { timeout: 20_000 }).toBe(true)
    expect(errors).toEqual([])
    await page.close()
  })
})
