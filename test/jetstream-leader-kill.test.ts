// SIGKILL of the stream's leader in a 3-node cluster with R3 streams, mid-run: the producer keeps
// pushing (a batch it did not get acknowledged is pushed again with the same ids, dropped by the
// servers if it had landed), workers fail over to the survivors, and every record the producer
// had acknowledged reaches the sink.
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRun } from '../src/runtime/index.js'
import { crashPipeline } from './fixtures/crash-pipeline.js'
import { clearSink, readSink, sleep, startJetStreamWorker, stopJetStreamWorker } from './support/jetstream-workers.js'
import { startNatsCluster, type TestNatsCluster, uniqueNatsPrefix } from './support/nats.js'
import { redisUrl } from './support/redis.js'

const RECORDS = 3_000
const BATCH = 50

let cluster: TestNatsCluster
beforeAll(async () => {
  cluster = await startNatsCluster()
})
afterAll(async () => {
  await cluster?.stop()
})

async function streamLeader(urls: readonly string[], stream: string): Promise<string | undefined> {
  const nc = await connect({ servers: [...urls] })
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).cluster?.leader
  } finally {
    await nc.close()
  }
}

describe('failover: the R3 stream leader killed mid-run', () => {
  it('loses no producer-acknowledged record and the run completes', { timeout: 170_000 }, async () => {
    const sinkUrl = await redisUrl()
    const prefix = uniqueNatsPrefix('leader')
    const settings = { replicas: 3, batchSize: 32, pullWaitMs: 100, requestTimeoutMs: 2_000, ackWaitMs: 5_000 }
    const producer = await startRun('jetstream', [crashPipeline], {
      workers: false,
      settings: { ...settings, servers: [...cluster.urls], prefix },
    })
    const workers = [
      startJetStreamWorker(cluster.urls, prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '1' }),
      startJetStreamWorker(cluster.urls, prefix, sinkUrl, settings, { STAIRS_SINK_DELAY_MS: '1' }),
    ]
    const acknowledged: string[] = []
    let failedPushes = 0
    try {
      await Promise.all(workers.map((w) => w.ready))
      const leader = await streamLeader(cluster.urls, `${prefix}_crash_ids`)
      const victim = cluster.nodes.find((_, i) => `n${i}` === leader)
      expect(victim, `leader ${leader}`).toBeDefined()
      let killed = false
      for (let from = 0; from < RECORDS; from += BATCH) {
        const batch = Array.from({ length: BATCH }, (_, k) => ({ id: `r${from + k}`, n: from + k }))
        if (!killed && from >= RECORDS / 3) {
          killed = true
          await victim?.kill()
        }
        for (let tries = 0; ; tries++) {
          try {
            await producer.pushMany?.(
              'crash.ids',
              batch.map((record) => [record, record.id] as const),
            )
            acknowledged.push(...batch.map((r) => r.id))
            break
          } catch (error) {
            failedPushes++
            if (tries > 60) throw error
            await sleep(250)
          }
        }
      }
      await producer.drain()
      const sink = await readSink(sinkUrl, prefix)
      expect(acknowledged).toHaveLength(RECORDS)
      expect(acknowledged.filter((id) => !sink.ids.has(id))).toEqual([])
      expect(await producer.deadLetters()).toEqual([])
      expect(await streamLeader(cluster.urls, `${prefix}_crash_ids`)).not.toBe(leader)
      console.log(`leader ${leader} killed; ${failedPushes} pushes retried; ${sink.total - sink.ids.size} duplicates at the sink`)
    } finally {
      await producer.stop()
      await Promise.all(workers.map((w) => stopJetStreamWorker(w)))
      await clearSink(sinkUrl, prefix)
    }
  })
})
