// A generated worker entrypoint on the redis engine: runs the pipeline's stages for records a
// producer pushes, stops gracefully on SIGTERM, and refuses to start when Redis registered another
// contract for one of its queues (the manifest's hashes reach the engine).
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wordStats } from '../examples/quickstart/word-stats.js'
import { redisKeys } from '../src/runtime/keys.js'
import { loadManifest } from '../src/runtime/manifest.js'
import { startRun } from '../src/runtime/registry.js'
import { REPO } from './support/codegen-project.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const WORKER = path.join(REPO, 'generated/workers/quickstart.word_stats.ts')
let url: string
const prefixes: string[] = []
beforeAll(async () => {
  url = await redisUrl()
})
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(url, prefix)
})

function startWorker(prefix: string): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, '--engine', 'redis', '--redis-url', url, '--prefix', prefix], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, stderr: () => stderr, exit }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('generated worker on the redis engine', () => {
  it('processes pushed records and stops on SIGTERM with exit 0', async () => {
    const prefix = uniquePrefix('gen-worker')
    prefixes.push(prefix)
    const worker = startWorker(prefix)
    await until('the worker to start', () => worker.stderr().includes('running 2 stage(s) on redis') || worker.child.exitCode !== null)
    expect(worker.stderr()).toContain('running 2 stage(s) on redis')

    const producer = await startRun('redis', [wordStats], { settings: { url, prefix }, workers: false })
    try {
      await producer.feed('quickstart.word_stats', [
        { author: 'a', text: 'one two three four' },
        { author: 'b', text: 'too short' },
        { author: 'c', text: 'five six seven' },
      ])
      await until('the records to go through', async () => {
        const counters = (await producer.stats())[0]?.counters
        return (counters?.out ?? 0) + (counters?.filtered ?? 0) >= 3
      })
      expect((await producer.stats())[0]?.counters).toMatchObject({ in: 3, out: 2, filtered: 1, deadLettered: 0 })
    } finally {
      await producer.stop()
    }
    worker.child.kill('SIGTERM')
    expect(await worker.exit).toBe(0)
    expect(worker.stderr()).toContain('workers stopped')
  })

  it("refuses to start when Redis holds another contract for one of the manifest's queues", async () => {
    const prefix = uniquePrefix('gen-worker-contract')
    prefixes.push(prefix)
    const manifest = loadManifest(path.join(REPO, 'generated/manifest.json'))
    const queue = 'quickstart.word_stats.counts'
    expect(manifest.contracts[queue]).toMatch(/^[0-9a-f]{16}$/)
    const client = new Redis(url)
    await client.hset(redisKeys.contracts(prefix, 'quickstart'), queue, 'deadbeefdeadbeef')
    client.disconnect()

    const worker = startWorker(prefix)
    expect(await worker.exit).toBe(1)
    expect(worker.stderr()).toContain(
      `${queue}: the running system registered deadbeefdeadbeef, this worker has ${manifest.contracts[queue]}`,
    )
  })
})
