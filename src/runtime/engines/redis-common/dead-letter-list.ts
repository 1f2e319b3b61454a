// A pipeline's dead-letter list on Redis (both engines): DeadLetter JSON, oldest first, under
// the pipeline's hash tag. The redis engine keeps every dead letter here; the bullmq engine keeps
// the inputs the schema refused here (its other dead letters are BullMQ's failed jobs).
import type { Redis } from 'ioredis'
import type { DeadLetter } from '../../engine-types.js'

/** A letter as stored, with the text it was stored as (LREM needs it to remove exactly that one). */
export interface StoredLetter {
  readonly raw: string
  readonly letter: DeadLetter
}

export function parseLetter(raw: string): DeadLetter {
  try {
    return Object.freeze(JSON.parse(raw) as DeadLetter)
  } catch {
    return Object.freeze({
      app: '?',
      pipeline: '?',
      stage: '?',
      id: '?',
      attempts: 0,
      error: { name: 'Error', message: 'unreadable dead letter' },
      payload: raw,
      at: '',
    })
  }
}

/** The letters of several lists in one round trip, oldest first, up to `limit` per list. */
export async function readLetterLists(client: Redis, keys: readonly string[], limit = -1): Promise<StoredLetter[][]> {
  const tx = client.pipeline()
  for (const key of keys) tx.lrange(key, 0, limit < 0 ? -1 : limit - 1)
  const replies = (await tx.exec()) ?? []
  return replies.map(([error, raw]) => {
    if (error) throw error
    return (raw as string[]).map((text) => ({ raw: text, letter: parseLetter(text) }))
  })
}

/** Removes the letters whose message id is in `ids` (all when none given); returns how many. */
export async function removeLetters(client: Redis, key: string, ids?: readonly string[]): Promise<number> {
  if (!ids) {
    const count = await client.llen(key)
    await client.del(key)
    return count
  }
  const wanted = new Set(ids)
  const [stored] = await readLetterLists(client, [key])
  let removed = 0
  for (const { raw, letter } of stored ?? []) if (wanted.has(letter.id)) removed += await client.lrem(key, 1, raw)
  return removed
}
