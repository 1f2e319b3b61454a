// Counts rows and reports progress (count, rate, ETA) at most every `everyMs`, plus once at the end.
import type { ProducerProgress } from '../../dsl/producer-types.js'

export class ProgressMeter {
  rows = 0
  private readonly started = performance.now()
  private lastReport = 0

  constructor(
    private readonly producer: string,
    private readonly onProgress: ((progress: ProducerProgress) => void) | undefined,
    private readonly everyMs = 250,
  ) {}

  /** Counts one row; reports when the interval has passed (cheap: one clock read per 256 rows). */
  row(batches?: () => ProducerProgress['batches']): void {
    this.rows++
    if (!this.onProgress || (this.rows & 255) !== 0) return
    const now = performance.now()
    if (now - this.lastReport >= this.everyMs) this.report(false, batches?.())
  }

  report(finished: boolean, batches?: ProducerProgress['batches']): ProducerProgress {
    const now = performance.now()
    this.lastReport = now
    const elapsedMs = now - this.started
    const progress: ProducerProgress = {
      producer: this.producer,
      rows: this.rows,
      rate: elapsedMs > 0 ? (this.rows * 1000) / elapsedMs : 0,
      elapsedMs,
      finished,
      ...(batches ? { batches } : {}),
    }
    this.onProgress?.(progress)
    return progress
  }
}

/** ETA from batches finished by this process and the time it took (undefined until one is done). */
export function batchEta(doneHere: number, elapsedMs: number, remaining: number): number | undefined {
  return doneHere > 0 ? (remaining * elapsedMs) / doneHere : undefined
}
