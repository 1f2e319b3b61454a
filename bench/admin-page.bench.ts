// The admin page's cost of one event-stream update in a real browser (Debian's chromium): a
// 50-pipeline, 300-stage project on the memory engine, every stage's figures changed between two
// samples, and the main-thread time the page spends on the update (Chrome's TaskDuration: script,
// style, layout and paint) from the snapshot sent until two frames later. Baseline: the same on a
// one-pipeline, 6-stage project. The budget is 50 ms; it is reported here, never asserted in CI.
import type { CDPSession, Page } from 'playwright-core'
import { type AdminServer, startAdminServer } from '../src/admin/server.js'
import type { EngineAdmin, PipelineRun } from '../src/runtime/index.js'
import { startRun } from '../src/runtime/index.js'
import { largeProject, pageUpdates, waitForUpdates } from '../test/support/admin-fixtures.js'
import { launchBrowser, type TestBrowser } from '../test/support/browser.js'
import { type BenchResult, median } from './harness.js'

const RUNS = 10

interface Measured {
  /** Main-thread time of one update, ms (median). */
  readonly mainThreadMs: number
  /** The page's own script time for it, ms (median). */
  readonly scriptMs: number
  readonly nodes: number
}

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0
}

async function measure(browser: TestBrowser, pipelines: number, stages: number): Promise<Measured> {
  const project = largeProject(pipelines, stages, Math.min(5, pipelines))
  const run: PipelineRun = await startRun('memory', project.pipelines)
  // No timed samples: each update is one sample taken on purpose.
  const server: AdminServer = await startAdminServer({
    admin: run.admin?.() as EngineAdmin,
    engine: 'memory',
    apps: project.apps,
    port: 0,
    intervalMs: 3_600_000,
  })
  const page: Page = await browser.context.newPage()
  try {
    await page.goto(server.url)
    await waitForUpdates(page, 0)
    const nodes = await page.locator('g.node.stage').count()
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Performance.enable')
    const mainThread: number[] = []
    const script: number[] = []
    for (let i = 0; i < RUNS + 2; i++) {
      // Every stage's counters change before the sample.
      for (const pipeline of project.pipelines) await run.push(`${pipeline.app}.${pipeline.name}`, { n: i })
      await run.drain()
      const updates = await pageUpdates(page)
      await page.waitForTimeout(200)
      const before = await taskSeconds(cdp)
      await server.monitor.sample()
      await waitForUpdates(page, updates)
      await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))')
      const after = await taskSeconds(cdp)
      if (i < 2) continue // warm-up
      mainThread.push((after - before) * 1000)
      script.push(Number(await page.evaluate('window.stairsAdmin.lastUpdateMs')))
    }
    return { mainThreadMs: median(mainThread), scriptMs: median(script), nodes }
  } finally {
    await page.close()
    await server.close()
    await run.stop()
  }
}

export default async function adminPageBench(): Promise<BenchResult[]> {
  const browser = await launchBrowser()
  try {
    const small = await measure(browser, 1, 6)
    const large = await measure(browser, 50, 6)
    return [
      {
        name: `admin page: one SSE update of ${large.nodes} stage nodes, main-thread time`,
        value: large.mainThreadMs,
        unit: 'ms',
        baseline: { name: `the same update of ${small.nodes} stage nodes`, value: small.mainThreadMs },
        ratio: large.mainThreadMs / small.mainThreadMs,
        note: `budget 50 ms; the page's own script time for it: ${large.scriptMs.toFixed(1)} ms (${small.scriptMs.toFixed(2)} ms for ${small.nodes})`,
      },
    ]
  } finally {
    await browser.close()
  }
}
