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
})
