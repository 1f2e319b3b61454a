// Collects what a stage worker's batch commit does, entry by entry, in the argument layout of
// COMMIT (commit-script.ts): one string of instructions per input entry, the tally at the front.

import type { Redis } from 'ioredis'
import { runScript } from '../redis-common/lua.js'
import { COMMIT, SECTION } from './commit-script.js'
import type { Delivery } from './consumer-outbox.js'
import { ENTRY_BYTES } from './settings.js'
import { GROUP } from './stream-layout.js'

export interface Tally {
  processed: number
  filtered: number
  failed: number
  retried: number
  deadLettered: number
  out: number
}

export class BatchCommit {
  readonly tally: Tally = { processed: 0, filtered: 0, failed: 0, retried: 0, deadLettered: 0, out: 0 }
  /** Records for consumers' own streams, written just before the commit (consumer-outbox.ts). */
  readonly deliveries: Delivery[] = []
  /** Pipeline outputs (last stage): entry position in this batch, record, message id; delivered after the commit. */
  readonly outputs: [number, object, string][] = []
  private readonly args: (string | number)[]
  /** Envelopes the current entry forwards to the next stage. */
  private forwards: string[] = []
  /** Its other instructions (retries, dead letters, requeues), rare. */
  private sections: string[] = []
  /** The current entry's position in this batch (COMMIT reports skipped entries by it). */
  position = 0

  constructor(perEntry: number) {
    this.args = [GROUP, 0, 0, 0, 0, 0, 0, perEntry, ENTRY_BYTES]
  }

  forward(envelope: string): void {
    this.forwards.push(envelope)
  }

  retry(due: number, member: string): void {
    this.sections.push(`r${due}|${member}`)
  }

  deadLetter(letter: object): void {
    this.sections.push(`d${JSON.stringify(letter)}`)
  }

  /** Puts the entry's envelopes back on the stream one per entry (newline-joined, as read). */
  requeue(text: string): void {
    this.sections.push(`s${text}`)
  }

  /** Closes the current entry: acknowledge `streamId` (which held `records`) and do what was asked. */
  endEntry(streamId: string, records: number): void {
    const forwards = this.forwards
    let todo = forwards.length === 0 ? '' : `f${forwards.length}:${forwards.length === 1 ? forwards[0] : forwards.join('\n')}`
    if (this.sections.length) {
      todo = todo ? `${todo}${SECTION}${this.sections.join(SECTION)}` : this.sections.join(SECTION)
      this.sections = []
    }
    if (forwards.length) this.forwards = []
    this.args.push(streamId, records, todo)
    this.position++
  }

  /** Runs the commit; returns the positions of entries someone else had already acknowledged. */
  async run(client: Redis, keys: readonly string[]): Promise<number[]> {
    const { args, tally } = this
    args[1] = tally.processed
    args[2] = tally.filtered
    args[3] = tally.failed
    args[4] = tally.retried
    args[5] = tally.deadLettered
    args[6] = tally.out
    return (await runScript(client, COMMIT, keys, args)) as number[]
  }
}
