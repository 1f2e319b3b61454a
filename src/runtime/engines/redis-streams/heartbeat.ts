// Keeps a live worker's entries from being reclaimed: every third of `reclaimIdleMs`, the entries
// it holds (read, not yet committed) are claimed again by itself with XCLAIM JUSTID, which resets
// their idle time without counting a delivery. Only a dead worker's entries grow idle.
import type { Redis } from 'ioredis'
import type { StreamEntry } from './reclaimer.js'
import { GROUP } from './stream-layout.js'

export class Heartbeat {
  /** Batches held, as read: tracked per batch, not per entry, to stay off the hot path. */
  private readonly held = new Set<readonly StreamEntry[]>()
  private readonly timer: NodeJS.Timeout
  private beating = false

  constructor(
    private readonly client: Redis,
    private readonly stream: string,
    private readonly consumer: string,
    reclaimIdleMs: number,
  ) {
    this.timer = setInterval(() => void this.beat(), Math.max(reclaimIdleMs / 3, 20))
    this.timer.unref()
  }

  hold(batch: readonly StreamEntry[]): void {
    this.held.add(batch)
  }

  release(batch: readonly StreamEntry[]): void {
    this.held.delete(batch)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async beat(): Promise<void> {
    if (this.beating || this.held.size === 0) return
    this.beating = true
    try {
      const ids = [...this.held].flatMap((batch) => batch.map(([id]) => id))
      for (let i = 0; i < ids.length; i += 1000)
        await this.client.xclaim(this.stream, GROUP, this.consumer, 0, ...ids.slice(i, i + 1000), 'JUSTID')
    } catch {
      // Redis is away: the worker loop reports it.
    } finally {
      this.beating = false
    }
  }
}
