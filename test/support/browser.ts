// A real browser for the page tests: Debian's chromium found on PATH (.ci/run installs the
// package when it is missing; no browser is ever downloaded), driven by playwright-core, headless,
// with a fresh profile directory per launch.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The chromium executable on PATH, or a clear failure saying how to get it. */
export function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('which', [name], { encoding: 'utf8' })
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim()
  }
  throw new Error('no chromium on PATH: install it (apt-get install chromium; .ci/run does so when it is missing)')
}

export interface TestBrowser {
  readonly context: BrowserContext
  close(): Promise<void>
}

export async function launchBrowser(viewport = { width: 1400, height: 900 }): Promise<TestBrowser> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'stairs-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), headless: true, args: FLAGS, viewport })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
