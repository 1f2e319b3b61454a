// What a new reader of a consumer's Redis stream inherits from earlier ones. Holding the lock, it
// is the only reader: every entry an earlier reader took and did not acknowledge (it crashed, or
// stopped with a batch read ahead) is its to redo first, in id order.
import type { Redis } from 'ioredis'

export type StreamEntry = [id: string, fields: string[]]

/** Claims every pending entry of the group for `me`; entries deleted meanwhile are left out. */
export async function takeOverPending(client: Redis, key: string, group: string, me: string): Promise<StreamEntry[]> {
  const taken: StreamEntry[] = []
  let cursor = '0-0'
  do {
    const reply = (await client.call('XAUTOCLAIM', key, group, me, 0, cursor, 'COUNT', 1000)) as [string, [string, string[] | null][]]
    cursor = reply[0]
    for (const [id, fields] of reply[1]) if (fields) taken.push([id, fields])
  } while (cursor !== '0-0')
  return taken
}
