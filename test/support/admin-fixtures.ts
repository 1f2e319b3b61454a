// Projects for the admin page tests and benchmark: a large one (many pipelines of several worker
// stages each, to check the layout and the cost of one update), and a page opened on a server.

import type { Page } from 'playwright-core'
import { z } from 'zod'
import type { AdminServer } from '../../src/admin/server.js'
import type { AnyPipeline } from '../../src/index.js'
import { App } from '../../src/index.js'
import type { TestBrowser } from './browser.js'

/** `pipelines` pipelines of `stages` stages each (every step behind its own queue), in `apps` apps. */
export function largeProject(
  pipelines: number,
  stages: number,
  apps = 5,
): { apps: App<Record<string, unknown>>[]; pipelines: AnyPipeline[] } {
  const made: App<Record<string, unknown>>[] = []
  const all: AnyPipeline[] = []
  for (let a = 0; a < apps; a++) made.push(new App(`large_${a}`) as App<Record<string, unknown>>)
  for (let p = 0; p < pipelines; p++) {
    const app = made[p % apps] as App<Record<string, unknown>>
    all.push(
      app.pipeline(`flow_${p}`, { input: z.object({ n: z.number() }) }, (_pl, record) => {
        let frame = record.subscribeFunc(({ n }: { n: number }) => ({ n: n + 1 }), { name: 'step_0' })
        for (let s = 1; s < stages; s++)
          frame = frame.subscribeFunc(({ n }: { n: number }) => ({ n: n + 1 }), { name: `step_${s}`, asWorker: true })
        return frame
      }) as AnyPipeline,
    )
  }
  return { apps: made, pipelines: all }
}

/** Opens the admin page and waits until its graph is drawn and one snapshot applied. */
export async function openAdminPage(browser: TestBrowser, server: AdminServer) {
  const page = await browser.context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(server.url)
  await page.waitForSelector('body[data-ready="graph"]')
  await waitForUpdates(page, 0)
  return { page, errors }
}

/** The page as a function run in it sees it (these files are checked without the DOM library). */
type PageGlobal = { document: { body: { dataset: Record<string, string | undefined> } } }

/** Snapshots the page has applied so far. */
export const pageUpdates = (page: Page): Promise<number> =>
  page.evaluate(() => Number((globalThis as unknown as PageGlobal).document.body.dataset.updates ?? 0))

/**
 * Waits until the page applied more than `count` snapshots. A function, not a string: the
 * page's policy allows no eval, and playwright polls a string predicate through one.
 */
export async function waitForUpdates(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Number((globalThis as unknown as PageGlobal).document.body.dataset.updates ?? 0) > n, count)
}
