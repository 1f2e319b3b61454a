// The jetstream engine against its own nats-server: every engine-parity case, counters, dedupe by
// message id, retries then the dead-letter stream, replay and delete, queue status, consumer
// queues, contracts, and the errors for a stream made with another configuration and a record
// over the server's max_payload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { AnyPipeline } from '../src/index.js'
import { App, STOP } from '../src/index.js'
import { connectAdmin, type PipelineRun, runStandaloneConsumer, type StartRunOptions, startRun } from '../src/runtime/index.js'
import { canonicalRecords, runCase } from '../src/testing/index.js'
import { allEngineCases } from './support/engines.js'
import { startNatsServer, type TestNatsServer, uniqueNatsPrefix } from './support/nats.js'

let server: TestNatsServer

beforeAll(async () => {
  server = await startNatsServer({ config: 'max_payload: 65536' })
})

afterAll(async () => {
  await server?.stop()
})

/** Fast timings for tests that kill nothing. */
const settingsFor = (prefix: string, more: Record<string, unknown> = {}) => ({ servers: server.url, prefix, pullWaitMs: 50, ...more })

const app = new App('js_engine')
const numbers = z.object({ n: z.number() })

const chain = app.pipeline('chain', { input: numbers }, (_p, r) =>
  r
    .subscribeFunc(({ n }) => ({ doubled: n * 2 }), { name: 'double', asWorker: true })
    .subscribeFunc(({ n }) => (n % 3 === 0 ? STOP : undefined), { name: 'drop_threes' })
    .subscribeFanOut(({ n }) => [{ copy: 1 }, { copy: 2 }].slice(0, (n % 2) + 1), { name: 'copies', asWorker: true }),
)

let poisonCalls = 0
const poison = app.pipeline('poison', { input: numbers }, (_p, r) =>
  r.subscribeFunc(
    ({ n }) => {
      if (n === 13) {
        poisonCalls++
        throw new Error('thirteen is unlucky')
      }
      return { ok: true }
    },
    { name: 'unlucky', asWorker: true, retry: { attempts: 3, backoffMs: 5 } },
  ),
)

const auditedSeen: number[] = []
const audit = app.standaloneConsumer('audit', (record: { n: number; m: number }) => {
  auditedSeen.push(record.m)
})
const audited = app.pipeline('audited', { input: numbers }, (_p, r) =>
  r.subscribeFunc(({ n }) => ({ m: n + 1 }), { name: 'plus', asWorker: true }).subscribeConsumer(audit),
)

const big = app.pipeline('big', { input: z.object({ pad: z.string() }) }, (_p, r) =>
  r.subscribeFunc(({ pad }) => ({ len: pad.length }), { name: 'measure', asWorker: true }),
)

async function start(pipelines: readonly AnyPipeline[], extra: StartRunOptions = {}) {
  const prefix = uniqueNatsPrefix('engine')
  const outputs: object[] = []
  const run = await startRun('jetstream', pipelines, {
    settings: settingsFor(prefix),
    onOutput: (_p, record) => outputs.push(record),
    ...extra,
  })
  return { run, prefix, outputs }
}

async function withRun<T>(
  pipelines: readonly AnyPipeline[],
  use: (r: Awaited<ReturnType<typeof start>>) => Promise<T>,
  extra?: StartRunOptions,
) {
  const started = await start(pipelines, extra)
  try {
    return await use(started)
  } finally {
    await started.run.stop()
  }
}

describe('jetstream engine', () => {
  it('gives every engine-parity case the same outputs and counters as the other engines', async () => {
    const cases = await allEngineCases()
    expect(cases.length).toBeGreaterThan(20)
    const prefix = uniqueNatsPrefix('parity')
    for (const engineCase of cases) {
      engineCase.consumerSeen?.()
      const result = await runCase(engineCase, (pipelines, options) =>
        startRun('jetstream', pipelines, { ...options, settings: settingsFor(prefix) }),
      )
      expect(result.deadLetters, engineCase.name).toEqual([])
      expect(canonicalRecords(result.outputs), engineCase.name).toEqual(canonicalRecords(engineCase.expected))
      if (engineCase.counters) expect(result.stats.counters, engineCase.name).toMatchObject(engineCase.counters)
      if (engineCase.expectedSeen && engineCase.consumerSeen)
        expect(canonicalRecords(engineCase.consumerSeen()), engineCase.name).toEqual(canonicalRecords(engineCase.expectedSeen))
    }
  })

  it('moves records through stage streams and counts them per stage', async () => {
    await withRun([chain], async ({ run, outputs }) => {
      await run.feed(
        'js_engine.chain',
        Array.from({ length: 30 }, (_, n) => ({ n })),
      )
      await run.drain()
      // 20 records survive drop_threes; odd ones fan out twice.
      const kept = Array.from({ length: 30 }, (_, n) => n).filter((n) => n % 3 !== 0)
      expect(outputs).toHaveLength(kept.reduce((sum, n) => sum + (n % 2) + 1, 0))
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 30, out: outputs.length, filtered: 10, deadLettered: 0 })
      expect(stats?.stages.map((s) => [s.stage, s.counters.added, s.counters.processed, s.queued])).toEqual([
        ['input', 30, 30, 0],
        ['copies', 20, 20, 0],
      ])
    })
  })

  it('drops a second record with the same explicit id (Nats-Msg-Id within the duplicate window)', async () => {
    await withRun([chain], async ({ run, outputs }) => {
      await run.push('js_engine.chain', { n: 1 }, 'once')
      await run.push('js_engine.chain', { n: 1 }, 'once')
      await run.pushMany?.('js_engine.chain', [
        [{ n: 1 }, 'once'],
        [{ n: 2 }, 'twice'],
      ])
      await run.drain()
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 2, duplicates: 2 })
      expect(outputs).toHaveLength(2 + 1)
    })
  })

  it('retries a failing record, dead-letters it with the error and attempts, replays and deletes it', async () => {
    poisonCalls = 0
    const { run, prefix, outputs } = await start([poison])
    try {
      await run.feed('js_engine.poison', [{ n: 1 }, { n: 13 }, { n: 2 }])
      await run.drain()
      expect(outputs).toHaveLength(2)
      expect(poisonCalls).toBe(3)
      const letters = await run.deadLetters()
      expect(letters).toHaveLength(1)
      expect(letters[0]).toMatchObject({ app: 'js_engine', pipeline: 'poison', stage: 'input', attempts: 3 })
      expect(letters[0]?.error.message).toContain('thirteen is unlucky')
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 3, out: 2, deadLettered: 1 })
      expect(stats?.stages.find((s) => s.stage === 'input')?.counters).toMatchObject({ failed: 3, retried: 2, deadLettered: 1 })

      const admin = await connectAdmin('jetstream', settingsFor(prefix))
      try {
        expect(await admin.listDeadLetters?.([poison])).toHaveLength(1)
        expect(await admin.replayDeadLetters?.([poison])).toBe(1)
        await run.drain()
        expect(poisonCalls).toBe(6)
        const again = await admin.listDeadLetters?.([poison])
        expect(again).toHaveLength(1)
        expect(await admin.deleteDeadLetters?.([poison], ['nope'])).toBe(0)
        expect(await admin.deleteDeadLetters?.([poison], [again?.[0]?.id as string])).toBe(1)
        expect(await admin.listDeadLetters?.([poison])).toEqual([])
        const status = await admin.queueStatus?.([poison])
        expect(status?.map((s) => [s.queue, s.waiting, s.inFlight, s.redelivered])).toEqual([['js_engine.poison.input', 0, 0, 0]])
        expect(status?.[0]?.counters).toMatchObject({ failed: 6, deadLettered: 2 })
      } finally {
        await admin.close()
      }
    } finally {
      await run.stop()
    }
  })

  it('delivers to a standalone consumer through its own queue, acknowledged after it returned', async () => {
    const { run, prefix } = await start([audited])
    try {
      await run.feed(
        'js_engine.audited',
        Array.from({ length: 25 }, (_, n) => ({ n })),
      )
      await run.drain()
      const source = { engine: 'jetstream', settings: settingsFor(prefix) }
      expect(await runStandaloneConsumer(audit, source, { stopWhenEmpty: true, batchSize: 10 })).toBe(25)
      expect(auditedSeen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n + 1))
      const admin = await connectAdmin('jetstream', settingsFor(prefix))
      try {
        expect(await admin.consumerQueueStatus?.([audit])).toMatchObject([{ queue: 'js_engine.audit', waiting: 0, inFlight: 0 }])
      } finally {
        await admin.close()
      }
    } finally {
      await run.stop()
    }
  })

  it('refuses a record over the server max_payload, and a maxRecordBytes the server cannot carry', async () => {
    await withRun([big], async ({ run }) => {
      await expect(run.push('js_engine.big', { pad: 'x'.repeat(70_000) })).rejects.toThrow(/over the limit of 64512 bytes/)
      await run.push('js_engine.big', { pad: 'x'.repeat(1000) })
      await run.drain()
    })
    await expect(start([big], { maxRecordBytes: 1024 * 1024 })).rejects.toThrow(
      /maxRecordBytes 1048576 is more than NATS at nats:\/\/127\.0\.0\.1:\d+ takes in one message \(max_payload 65536/,
    )
  })

  it('names the stream and each difference when it exists with another configuration', async () => {
    const prefix = uniqueNatsPrefix('config')
    const first = await startRun('jetstream', [chain], { settings: settingsFor(prefix), workers: false })
    await first.stop()
    await expect(
      startRun('jetstream', [chain], { settings: settingsFor(prefix, { retention: 'limits', storage: 'memory' }), workers: false }),
    ).rejects.toThrow(
      `stream '${prefix}_js_engine_chain' (pipeline 'js_engine.chain') exists with another configuration: retention is "workqueue" there, this run wants "limits"; storage is "file" there, this run wants "memory"`,
    )
  })

  it('keeps contracts per queue: the first worker registers, a changed one is refused', async () => {
    const prefix = uniqueNatsPrefix('contracts')
    const settings = settingsFor(prefix)
    const ok = await startRun('jetstream', [chain], { settings, contracts: { 'js_engine.chain.copies': 'aaa' } })
    await ok.stop()
    await expect(startRun('jetstream', [chain], { settings, contracts: { 'js_engine.chain.copies': 'bbb' } })).rejects.toThrow(
      /stage queue 'js_engine.chain.copies' changed/,
    )
    const admin = await connectAdmin('jetstream', settings)
    try {
      expect(await admin.contracts?.list('js_engine')).toEqual({ 'js_engine.chain.copies': 'aaa' })
      expect(await admin.contracts?.reset('js_engine')).toBe(1)
      await admin.purge?.()
    } finally {
      await admin.close()
    }
  })

  it('fails fast naming the server when nothing listens there', async () => {
    const run: Promise<PipelineRun> = startRun('jetstream', [chain], {
      settings: { servers: 'nats://127.0.0.1:1', requestTimeoutMs: 1000 },
    })
    await expect(run).rejects.toThrow(/cannot use NATS at nats:\/\/127\.0\.0\.1:1: connection refused: is nats-server running there\?/)
  })
})
