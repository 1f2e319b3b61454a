// Which stage workers are alive: each worker process writes one heartbeat entry per stage worker
// it runs into the workers KV bucket (one timer per process, not per stage), and deletes them when
// it stops. The bucket's entries expire after ALIVE_MS, so a worker killed with SIGKILL drops out
// of `stairs inspect:workers` on its own; the admin also ignores an entry older than that.
import { hostname } from 'node:os'
import type { KV } from '@nats-io/kv'
import type { WorkerInfo } from '../../engine-types.js'
import type { PipelineLayout } from './layout.js'

/** How often a process writes its workers' heartbeats (ms). */
export const HEARTBEAT_MS = 2_000
/** A worker silent this long is taken for dead; also the bucket's entry TTL (ms). */
export const ALIVE_MS = 10_000

export interface HeartbeatWorker {
  readonly layout: PipelineLayout
  readonly stage: string
  /** The worker's number among those of its stage in this process. */
  readonly n: number
}

// KV keys take letters, digits and - _ = . / only.
const keyPart = (text: string): string => text.replace(/[^A-Za-z0-9_=-]/g, '_')

export class WorkerHeartbeats {
  private readonly entries: { key: string; info: Omit<WorkerInfo, 'lastSeen'> }[]
  private readonly timer: NodeJS.Timeout
  private beating: Promise<void> | undefined

  constructor(
    private readonly kv: KV,
    workers: readonly HeartbeatWorker[],
  ) {
    const host = hostname()
    this.entries = workers.map(({ layout, stage, n }) => {
      const id = `${host}:${process.pid}:${n}`
      return {
        key: [layout.app, layout.pipeline, stage, `${host}-${process.pid}-${n}`].map(keyPart).join('.'),
        info: { app: layout.app, pipeline: layout.pipeline, stage, id, host, pid: process.pid },
      }
    })
    this.timer = setInterval(() => {
      this.beating ??= this.beat().finally(() => {
        this.beating = undefined
      })
    }, HEARTBEAT_MS)
    this.timer.unref()
  }

  /** Writes every heartbeat now; the run waits for the first, so its workers are listed once started. */
  async beat(): Promise<void> {
    const lastSeen = new Date().toISOString()
    try {
      await Promise.all(this.entries.map(({ key, info }) => this.kv.put(key, JSON.stringify({ ...info, lastSeen }))))
    } catch {
      // The server is away: the stage workers report it; the next beat writes again.
    }
  }

  /** Stops beating and removes the entries (a graceful stop is not a dead worker). */
  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.beating
    await Promise.all(this.entries.map(({ key }) => this.kv.purge(key).catch(() => {})))
  }
}

/** The workers of these pipelines whose last heartbeat is recent, read from the bucket. */
export async function aliveWorkers(kv: KV, layouts: readonly PipelineLayout[]): Promise<WorkerInfo[]> {
  const prefixes = layouts.map((layout) => `${keyPart(layout.app)}.${keyPart(layout.pipeline)}.`)
  const keys: string[] = []
  for await (const key of await kv.keys()) if (prefixes.some((prefix) => key.startsWith(prefix))) keys.push(key)
  const found: WorkerInfo[] = []
  const oldest = Date.now() - ALIVE_MS
  for (const key of keys.sort()) {
    const entry = await kv.get(key)
    if (entry?.operation !== 'PUT') continue
    const info = entry.json<WorkerInfo>()
    if (Date.parse(info.lastSeen) >= oldest) found.push(info)
  }
  return found
}
