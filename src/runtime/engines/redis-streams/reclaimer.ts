// Takes over the entries of dead workers: a pending entry idle longer than `reclaimIdleMs` is
// claimed with XAUTOCLAIM (which counts a delivery), and its delivery count is read back so the
// worker can dead-letter records that keep crashing their workers.
import type { Redis } from 'ioredis'
import type { StreamsRunSettings } from './settings.js'
import { GROUP } from './stream-layout.js'

/** A stream entry as ioredis returns it: id and flat field/value list (null once deleted). */
export type StreamEntry = [string, string[] | null]

export interface Claimed {
  readonly entries: StreamEntry[]
  /** Delivery count per claimed entry id. */
  readonly deliveries: Map<string, number>
}

export class Reclaimer {
  private cursor = '0-0'
  private last = 0
  private lastCleanup = Date.now()
  private readonly interval: number

  constructor(
    private readonly client: Redis,
    private readonly stream: string,
    private readonly consumer: string,
    private readonly settings: StreamsRunSettings,
  ) {
    this.interval = Math.min(Math.max(settings.reclaimIdleMs / 2, 50), 5000)
    // Spread the first scans of many workers instead of all at start.
    this.last = Date.now() - Math.random() * this.interval
  }

  /** Claims a batch of abandoned entries when a scan is due; undefined when there is nothing. */
  async due(): Promise<Claimed | undefined> {
    const now = Date.now()
    if (this.cursor === '0-0' && now - this.last < this.interval) return undefined
    this.last = now
    const [cursor, entries] = (await this.client.xautoclaim(
      this.stream,
      GROUP,
      this.consumer,
      this.settings.reclaimIdleMs,
      this.cursor,
      'COUNT',
      this.settings.batchSize,
    )) as [string, StreamEntry[], string[]?]
    this.cursor = cursor
    if (cursor === '0-0' && now - this.lastCleanup > this.interval * 20) {
      this.lastCleanup = now
      await this.forgetIdleConsumers()
    }
    if (!entries.length) return undefined
    const first = (entries[0] as StreamEntry)[0]
    const last = (entries[entries.length - 1] as StreamEntry)[0]
    const pending = (await this.client.xpending(this.stream, GROUP, first, last, entries.length, this.consumer)) as [
      string,
      string,
      number,
      number,
    ][]
    const deliveries = new Map<string, number>()
    for (const [id, , , count] of pending) deliveries.set(id, Number(count))
    return { entries, deliveries }
  }

  /**
   * Deletes consumers that hold nothing and were idle for long (every worker restart leaves one
   * behind, named host:pid:n). A live but idle worker that is deleted comes back on its next read.
   */
  private async forgetIdleConsumers(): Promise<void> {
    const idleFor = this.settings.reclaimIdleMs * 10
    const consumers = (await this.client.xinfo('CONSUMERS', this.stream, GROUP)) as (string | number)[][]
    for (const fields of consumers) {
      const info = new Map<unknown, unknown>()
      for (let i = 0; i < fields.length; i += 2) info.set(fields[i], fields[i + 1])
      const name = String(info.get('name'))
      if (name !== this.consumer && Number(info.get('pending')) === 0 && Number(info.get('idle')) > idleFor)
        await this.client.xgroup('DELCONSUMER', this.stream, GROUP, name)
    }
  }
}
