// Acceptance 5 of issue 5 on the bullmq engine: SIGTERM during a run lets the in-flight records
// finish, takes nothing new, loses nothing, and the process exits within its shutdown timeout.
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sinkKey, slowPipeline } from './fixtures/bullmq-sigterm-pipeline.js'
import { engineByName } from './support/engines.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const workerFile = path.join(here, 'fixtures', 'bullmq-sigterm-worker.ts')
const tsx = path.join(here, '..', 'node_modules', '.bin', 'tsx')
const RECORDS = 40
const SHUTDOWN_TIMEOUT_MS = 10_000

let url: string
const prefix = uniquePrefix('bullmq-sigterm')
beforeAll(async () => {
  url = await redisUrl()
})
afterAll(async () => {
  await deletePrefix(url, prefix)
})

interface WorkerProcess {
  child: ChildProcess
  started: number[]
  output: () => string
  /** Resolves once `done()` holds (checked on each output chunk). */
  waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void>
  exited: Promise<number | null>
}

function startWorker(): WorkerProcess {
  const child = spawn(tsx, [workerFile], {
    env: { ...process.env, REDIS_URL: url, PREFIX: prefix, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const started: number[] = []
  const waiters: (() => void)[] = []
  const onData = (chunk: Buffer) => {
    output += chunk
    for (const match of chunk.toString().matchAll(/^started (\d+)$/gm)) started.push(Number(match[1]))
    for (const check of waiters.splice(0)) check()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    started,
    exited,
    output: () => output,
    waitUntil: (what, done, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker never got ${what}; output:\n${output}`)), timeoutMs)
        const check = () => {
          if (done()) {
            clearTimeout(timer)
            resolve()
          } else waiters.push(check)
        }
        check()
      }),
  }
}

describe('bullmq engine: SIGTERM', () => {
  it('finishes in-flight records, loses none, and exits within its timeout', async () => {
    const engine = engineByName('bullmq')
    const producer = await engine.startRun([slowPipeline], { settings: { url, prefix }, workers: false })
    const sink = new Redis(url)
    const first = startWorker()
    try {
      await first.waitUntil('ready', () => /^ready$/m.test(first.output()), 30_000)
      await producer.feed(
        'bq_sigterm.slow',
        Array.from({ length: RECORDS }, (_, n) => ({ n })),
      )
      // Four records in flight (concurrency 4), most still waiting.
      await first.waitUntil('4 records started', () => first.started.length >= 4, 30_000)
      const sentAt = Date.now()
      first.child.kill('SIGTERM')
      const code = await Promise.race([first.exited, new Promise((r) => setTimeout(() => r('timeout'), SHUTDOWN_TIMEOUT_MS + 5_000))])
      expect(code, first.output()).toBe(0)
      expect(Date.now() - sentAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 5_000)
      expect(first.output()).toContain('stopped')

      // Every record the first process started was finished by it, not abandoned.
      const afterStop = (await sink.lrange(sinkKey(prefix), 0, -1)).map(Number)
      expect(first.started.length).toBeGreaterThanOrEqual(4)
      expect(first.started.length).toBeLessThan(RECORDS)
      expect([...afterStop].sort((a, b) => a - b)).toEqual([...first.started].sort((a, b) => a - b))

      // A new worker takes the rest: every record reaches the sink exactly once.
      const second = startWorker()
      try {
        await second.waitUntil('ready', () => /^ready$/m.test(second.output()), 30_000)
        await producer.drain()
        const all = (await sink.lrange(sinkKey(prefix), 0, -1)).map(Number).sort((a, b) => a - b)
        expect(all).toEqual(Array.from({ length: RECORDS }, (_, n) => n))
        expect(second.started.filter((n) => first.started.includes(n))).toEqual([])
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL')
      sink.disconnect()
      await producer.stop()
    }
  }, 90_000)
})
