// Small helpers of the worker loops: creating consumer groups, ending a blocked read at once on
// stop, and counting the records of stream entries.
import type { Redis } from 'ioredis'
import type { StreamEntry } from './reclaimer.js'
import { GROUP } from './stream-layout.js'

/** Creates the stage's stream and consumer group if missing; the group reads from the start. */
export async function ensureGroup(client: Redis, stream: string): Promise<void> {
  try {
    await client.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM')
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error
  }
}

/**
 * Ends a worker's blocking read at once when it stops, instead of after up to `blockMs`: the
 * writer sends CLIENT UNBLOCK for the reader's connection, whose XREADGROUP then returns as if it
 * had timed out (nothing is taken). The reader's id is read again after every reconnect. Without
 * the CLIENT permission (a narrow ACL user) the read just runs out its block time.
 */
export class ReadUnblocker {
  private readerId: number | undefined

  constructor(
    reader: Redis,
    private readonly writer: Redis,
  ) {
    const learnId = () => {
      reader.client('ID').then(
        (id) => {
          this.readerId = Number(id)
        },
        () => {},
      )
    }
    learnId()
    reader.on('ready', learnId)
  }

  /** Unblocks the reader until `read` settles (a read sent but not yet blocked needs another try). */
  async unblock(read: Promise<unknown>): Promise<void> {
    let settled = false
    void read.then(
      () => {
        settled = true
      },
      () => {
        settled = true
      },
    )
    for (let tries = 0; tries < 50 && !settled && this.readerId !== undefined; tries++) {
      try {
        await this.writer.client('UNBLOCK', this.readerId)
      } catch {
        return // no CLIENT permission or Redis away: the read times out by itself
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
}

/** Records some stream entries hold: one per line of field `e`; an entry without it holds none. */
export function recordsIn(entries: readonly StreamEntry[]): number {
  let total = 0
  for (const [, fields] of entries) {
    let text: string | undefined
    if (fields) for (let k = 0; k < fields.length; k += 2) if (fields[k] === 'e') text = fields[k + 1]
    if (text === undefined) continue
    total++
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) total++
  }
  return total
}
