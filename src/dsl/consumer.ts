import type { ConsumerRef } from '../graph/nodes.js'

/**
 * A consumer: sees records and returns nothing useful. `simple` consumers run where they are
 * subscribed; `standalone` and `iter` consumers receive records through their own queue.
 * `O` is what an iterator consumer yields for each record (its fn's result).
 */
export interface Consumer<I, O = unknown> extends ConsumerRef {
  readonly fn: (record: I) => O
}

/** The value an iterator consumer yields per record: `ConsumerOutput<typeof xs>`. */
export type ConsumerOutput<C> = C extends Consumer<infer _I, infer O> ? O : never

export function createConsumer<I, O = unknown>(app: string, name: string, kind: ConsumerRef['kind'], fn: (record: I) => O): Consumer<I, O> {
  return Object.freeze({ app, name, kind, fn })
}
