// How a stage worker reports trouble it works through (a lost connection, a refused write): one
// line when it starts, at most one more every 10 s while it lasts, and one when it ends, instead
// of one per record or per retry.
import { errorMessage } from '../../errors.js'

const REPEAT_MS = 10_000

export class WorkerLog {
  private lastMessage = ''
  private lastAt = 0
  private failing = false

  /** `engine` and `where` (pipeline and stage) start every line. */
  constructor(
    private readonly engine: string,
    private readonly where: string,
    private readonly write: (line: string) => void = (line) => console.error(line),
  ) {}

  failure(error: unknown): void {
    const message = errorMessage(error)
    const now = Date.now()
    this.failing = true
    if (message === this.lastMessage && now - this.lastAt < REPEAT_MS) return
    this.lastMessage = message
    this.lastAt = now
    this.write(`stairs ${this.engine} worker, ${this.where}: ${message} (retrying)`)
  }

  recovered(): void {
    if (!this.failing) return
    this.failing = false
    this.lastMessage = ''
    this.write(`stairs ${this.engine} worker, ${this.where}: working again`)
  }
}
