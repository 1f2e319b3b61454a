// Moves failed records whose backoff has passed from each stage's retry ZSET back onto its
// stream, atomically (one script per stage and tick). Safe to run in many workers at once.
import type { Redis } from 'ioredis'
import { runScript } from '../redis-common/lua.js'
import { PROMOTE } from './scripts.js'
import type { StageKeys } from './stream-layout.js'

const PROMOTE_LIMIT = 1000

export class RetryPromoter {
  private readonly timer: NodeJS.Timeout
  private ticking = false

  constructor(
    private readonly client: Redis,
    private readonly stages: readonly StageKeys[],
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.tick(), intervalMs)
    this.timer.unref()
  }

  private async tick(): Promise<void> {
    if (this.ticking) return
    this.ticking = true
    try {
      const now = Date.now()
      await Promise.all(
        this.stages.map((stage) => runScript(this.client, PROMOTE, [stage.retries, stage.stream, stage.counters], [now, PROMOTE_LIMIT])),
      )
    } catch {
      // Redis is away: the worker loops report it; the next tick tries again.
    } finally {
      this.ticking = false
    }
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
