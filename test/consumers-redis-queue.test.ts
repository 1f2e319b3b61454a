// A consumer's Redis stream as its reader sees it: acknowledged entries are trimmed instead of
// piling up and only unacknowledged ones count as waiting; a reader killed between batches
// leaves what it had not acknowledged (the record it was on, the batch it had read ahead) to the
// next reader, in order; junk entries stop the reader with the entry named, after the records
// before them; `__proto__` keys are dropped.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ConsumerRef } from '../src/graph/nodes.js'
import { App } from '../src/index.js'
import { redisConsumerDelivery, redisConsumerQueueLength } from '../src/runtime/engines/redis-common/consumer-queue.js'
import { consumeIter, openConsumerQueue, redisKeys, runStandaloneConsumer } from '../src/runtime/index.js'
import { deletePrefix, redisUrl, uniquePrefix } from './support/redis.js'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const dir = mkdtempSync(path.join(os.tmpdir(), 'stairs-consumer-queue-'))
const APP = 'redis_queue_test'
const app = new App(APP)
const rows = app.consumerIter('rows', (row: { n: number }) => row)
const sink = app.standaloneConsumer('sink', () => {})

let url = ''
let prefix = ''
let client: Redis
beforeAll(async () => {
  url = await redisUrl()
  client = new Redis(url)
})
afterAll(async () => {
  client.disconnect()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(async () => {
  await deletePrefix(url, prefix)
})

const settings = () => ({ engine: 'redis', settings: { url, prefix } })
const keyOf = (name: string) => redisKeys.consumerQueue(prefix, APP, name)
async function deliver(consumer: ConsumerRef, from: number, count: number): Promise<void> {
  const send = redisConsumerDelivery(client, prefix)
  await Promise.all(Array.from({ length: count }, (_, i) => send(consumer, { n: from + i })))
}
async function take(count: number, batchSize: number): Promise<number[]> {
  const seen: number[] = []
  if (count === 0) return seen
  for await (const { n } of consumeIter(rows, settings(), { batchSize })) {
    seen.push(n)
    if (seen.length === count) break
  }
  return seen
}
async function rest(batchSize = 100): Promise<number[]> {
  const seen: number[] = []
  for await (const { n } of consumeIter(rows, settings(), { stopWhenEmpty: true, batchSize })) seen.push(n)
  return seen
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe('a consumer stream on Redis', () => {
  it('trims acknowledged entries, and counts as waiting only what is not acknowledged', async () => {
    prefix = uniquePrefix('trim')
    await deliver(rows, 0, 2000)
    expect(await redisConsumerQueueLength(client, rows, prefix)).toBe(2000)

    expect(await take(1500, 100)).toEqual(range(0, 1500))
    // The batch read ahead (1500-1599) is not acknowledged: it waits with the rest.
    expect(await redisConsumerQueueLength(client, rows, prefix)).toBe(500)
    // Trimmed in whole stream nodes: a few acknowledged entries may stay, never the 1500.
    const partly = await client.xlen(keyOf('rows'))
    expect(partly).toBeGreaterThanOrEqual(500)
    expect(partly).toBeLessThan(1000)

    expect(await rest()).toEqual(range(1500, 2000))
    expect(await redisConsumerQueueLength(client, rows, prefix)).toBe(0)
    expect(await client.xlen(keyOf('rows'))).toBeLessThan(500)

    // More arrive later: they are counted and read, and the stream stays short.
    await deliver(rows, 2000, 300)
    expect(await redisConsumerQueueLength(client, rows, prefix)).toBe(300)
    expect(await rest(64)).toEqual(range(2000, 2300))
    expect(await client.xlen(keyOf('rows'))).toBeLessThan(500)
    // Every reader joined the group under its own name; the idle ones were forgotten.
    const consumers = (await client.call('XINFO', 'CONSUMERS', keyOf('rows'), 'stairs')) as unknown[]
    expect(consumers.length).toBeLessThanOrEqual(2)
  })

  it('gives a reader killed between batches the unacknowledged records again, in order', async () => {
    prefix = uniquePrefix('crash')
    await deliver(rows, 0, 100)
    // The child reads batches of 10 and is killed (SIGKILL) while it holds record 24.
    const script = path.join(dir, 'crashing-reader.mts')
    writeFileSync(
      script,
      `import { App } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/index.ts')).href)}
import { consumeIter } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/runtime/index.ts')).href)}
const rows = new App(${JSON.stringify(APP)}).consumerIter('rows')
for await (const { n } of consumeIter(rows, { engine: 'redis', settings: { url: process.argv[2], prefix: process.argv[3] } }, { batchSize: 10 })) {
  process.stdout.write(n + '\\n')
  if (n === 24) process.kill(process.pid, 'SIGKILL')
}
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, prefix], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    const signal = await new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    expect(signal, output).toBe('SIGKILL')
    expect(output.trim().split('\n').map(Number)).toEqual(range(0, 25))

    // Its lock would expire within 15 s; a test does not wait for that.
    await client.del(redisKeys.consumerLock(prefix, APP, 'rows'))
    const again = await rest(10)
    // Nothing it had not returned for was acknowledged: 24 (and more before it) come again, and
    // so does every record after, including those it had read ahead.
    expect(again[0]).toBeLessThanOrEqual(24)
    expect(again).toEqual(range(again[0] as number, 100))
    expect(await redisConsumerQueueLength(client, rows, prefix)).toBe(0)
  })

  it('hands over the records before a junk entry, then stops naming it; they are not given again', async () => {
    prefix = uniquePrefix('junk')
    await deliver(rows, 0, 5)
    const junk = (await client.xadd(keyOf('rows'), '*', 'r', 'not json {')) as string
    await deliver(rows, 5, 5)
    const seen: number[] = []
    const reading = async () => {
      for await (const { n } of consumeIter(rows, settings(), { stopWhenEmpty: true, batchSize: 3 })) seen.push(n)
    }
    const named = new RegExp(`${keyOf('rows')} entry ${junk}: not a JSON record: not json \\{; the entry stays queued`)
    await expect(reading()).rejects.toThrow(named)
    expect(seen).toEqual([0, 1, 2, 3, 4])
    // The next reader stops at the same entry, without the records before it.
    await expect(reading()).rejects.toThrow(named)
    expect(seen).toEqual([0, 1, 2, 3, 4])

    // An entry without the record field is junk too; once both are removed the rest flows.
    await client.xdel(keyOf('rows'), junk)
    const fieldless = (await client.xadd(keyOf('rows'), '*', 'e', '{"n":99}')) as string
    await expect(reading()).rejects.toThrow(new RegExp(`entry ${fieldless}: no field 'r'`))
    await client.xdel(keyOf('rows'), fieldless)
    await reading()
    expect(seen).toEqual(range(0, 10))
  })

  it("drops own '__proto__' keys and pollutes nothing", async () => {
    prefix = uniquePrefix('proto')
    await client.xadd(keyOf('rows'), '*', 'r', '{"n":1,"__proto__":{"polluted":"yes"},"deep":{"__proto__":{"polluted":"yes"}}}')
    const [record] = await (async () => {
      const all: Record<string, unknown>[] = []
      for await (const r of consumeIter(rows, settings(), { stopWhenEmpty: true })) all.push(r as Record<string, unknown>)
      return all
    })()
    expect(record).toEqual({ n: 1, deep: {} })
    expect(Object.hasOwn(record as object, '__proto__')).toBe(false)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('runs a standalone consumer over a backlog and releases the queue when it ends', async () => {
    prefix = uniquePrefix('standalone')
    await deliver(sink, 0, 1000)
    const progress: number[] = []
    expect(
      await runStandaloneConsumer(sink, settings(), { stopWhenEmpty: true, batchSize: 128, onProgress: (n) => progress.push(n) }),
    ).toBe(1000)
    expect(progress.at(-1)).toBe(1000)
    expect(await redisConsumerQueueLength(client, sink, prefix)).toBe(0)
    // Released: another reader can open it at once.
    await (await openConsumerQueue(sink, settings())).close()
  })
})
