import type { ConsumerRef } from '../graph/nodes.js'

/**
 * A consumer: sees records and returns nothing useful. `simple` consumers run where they are
 * subscribed; `standalone` and `iter` consumers receive records through their own queue.
 */
export interface Consumer<I> extends ConsumerRef {
  readonly fn: (record: I) => unknown
}

export function createConsumer<I>(app: string, name: string, kind: ConsumerRef['kind'], fn: (record: I) => unknown): Consumer<I> {
  return Object.freeze({ app, name, kind, fn })
}
