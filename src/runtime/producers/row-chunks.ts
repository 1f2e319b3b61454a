// Groups a producer's rows into chunks, so a Redis engine moves many rows per round trip. A chunk
// is sent when full, or when the source is slow: rows never wait more than `maxDelayMs` for
// company (an async source that pauses does not hold back the rows it already gave).
import type { RowSource } from '../../dsl/producer-types.js'

const TIMEOUT = Symbol('timeout')

export async function* rowChunks<Row>(
  source: RowSource<Row>,
  size: number,
  maxDelayMs: number,
  signal?: AbortSignal,
): AsyncGenerator<Row[]> {
  if (Symbol.iterator in source) {
    let chunk: Row[] = []
    for (const row of source) {
      chunk.push(row)
      if (chunk.length >= size) {
        yield chunk
        chunk = []
        if (signal?.aborted) break
      }
    }
    if (chunk.length) yield chunk
    return
  }
  const iterator = source[Symbol.asyncIterator]()
  let chunk: Row[] = []
  let deadline: Promise<typeof TIMEOUT> | undefined
  let timer: NodeJS.Timeout | undefined
  let finished = false
  try {
    let next = iterator.next()
    for (;;) {
      const result = deadline ? await Promise.race([next, deadline]) : await next
      if (result === TIMEOUT) {
        deadline = undefined
        yield chunk
        chunk = []
        continue
      }
      if (result.done) {
        finished = true
        break
      }
      chunk.push(result.value)
      if (chunk.length >= size || signal?.aborted) {
        clearTimeout(timer)
        deadline = undefined
        yield chunk
        chunk = []
        if (signal?.aborted) break
      } else if (!deadline) {
        deadline = new Promise((resolve) => {
          timer = setTimeout(() => resolve(TIMEOUT), maxDelayMs)
        })
      }
      next = iterator.next()
    }
    clearTimeout(timer)
    if (chunk.length) yield chunk
  } finally {
    clearTimeout(timer)
    if (!finished) await iterator.return?.()
  }
}
