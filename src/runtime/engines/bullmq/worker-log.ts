// Logs a BullMQ worker's connection trouble once (not once per retry), naming the stage.
import { errorMessage } from '../../../errors.js'

export class WorkerLog {
  private lastMessage = ''
  private lastAt = 0

  constructor(private readonly where: string) {}

  /** The first failure of a kind at once, repeats at most every 10 s. */
  failure(error: unknown): void {
    const message = errorMessage(error)
    const now = Date.now()
    if (message === this.lastMessage && now - this.lastAt < 10_000) return
    this.lastMessage = message
    this.lastAt = now
    console.error(`stairs bullmq worker, ${this.where}: ${message} (retrying)`)
  }
}
