import { advanceHead, type HeadArray } from './head-array.js'

/**
 * A FIFO between stages. `push` never fails; it returns a promise when the queue is at capacity,
 * resolved once it drains below it, so an awaiting producer slows to the consumer's pace.
 * `take` hands out batches to amortize the await per record.
 */
export class BoundedQueue<T> {
  /** The queued items, taken from the head. */
  private readonly buffer: HeadArray<T> = { items: [], head: 0 }
  private closed = false
  private takers: (() => void)[] = []
  private roomWaiters: (() => void)[] = []

  constructor(
    readonly capacity: number,
    private readonly batchSize: number,
  ) {}

  get size(): number {
    return this.buffer.items.length - this.buffer.head
  }

  /** Adds an item; the promise (if any) resolves when there is room again. */
  push(item: T): void | Promise<void> {
    this.buffer.items.push(item)
    // Wake one waiting taker, which takes when it resumes (a microtask later): by then a producer
    // running synchronously has usually pushed a whole batch, not one item.
    const wake = this.takers.shift()
    if (wake) wake()
    if (this.size < this.capacity) return
    return new Promise((resolve) => this.roomWaiters.push(resolve))
  }

  /**
   * A batch of items; waits while empty; undefined once closed and empty. Synchronous when items
   * are there, so a busy consumer never waits on a microtask. With `share` consumers on this queue,
   * each takes its share of what is queued when it takes, so their async work overlaps.
   */
  take(share = 1): T[] | Promise<T[] | undefined> | undefined {
    if (this.size > 0) return this.takeNow(share === 1 ? this.batchSize : Math.max(1, Math.floor(this.size / share)))
    if (this.closed) return undefined
    return new Promise<void>((resolve) => this.takers.push(resolve)).then(() => this.take(share))
  }

  /** No more items will come: waiting takers get `undefined`. */
  close(): void {
    this.closed = true
    for (const wake of this.takers.splice(0)) wake()
  }

  private takeNow(max: number): T[] {
    const end = Math.min(this.buffer.items.length, this.buffer.head + Math.min(max, this.batchSize))
    const batch = this.buffer.items.slice(this.buffer.head, end)
    advanceHead(this.buffer, end)
    if (this.roomWaiters.length && this.size < this.capacity) for (const wake of this.roomWaiters.splice(0)) wake()
    return batch
  }
}
