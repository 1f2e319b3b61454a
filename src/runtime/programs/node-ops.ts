// One small function per node kind: computes a node's value from the values of its inputs.
// This is the engines' hot path: no allocation beyond the records the semantics require.

import { STOP } from '../../dsl/stop.js'
import { GraphError, StepError } from '../../errors.js'
import type { ConsumerRef, GraphNode } from '../../graph/nodes.js'

/** A slot whose branch was dropped with STOP. Everything downstream of it is dropped too. */
export const STOPPED: unique symbol = Symbol('stairs.stopped')

/** Returned by fan-out nodes: the record goes on once per item. */
export class FanOut {
  constructor(readonly items: readonly unknown[]) {}
}

/** What a stage needs from its engine while it runs. */
export interface StageContext {
  /** Hands a record to a standalone or iterator consumer (its own queue). */
  deliver(consumer: ConsumerRef, record: object): void | Promise<void>
}

export type Rec = Record<string, unknown>
export type State = unknown[]
/** A node's value from the state; asynchronous results are always native Promises (cheap to test). */
export type NodeOp = (state: State) => unknown

/**
 * `{ ...a, ...b }`. V8 copies JSON-decoded records (every record after a stage boundary) several
 * times faster with Object.assign than with a spread. An own `__proto__` key, which Object.assign
 * would turn into a prototype change, keeps the spread's plain-property semantics.
 */
export const merge = (a: Rec, b: Rec): Rec =>
  Object.hasOwn(a, '__proto__') || Object.hasOwn(b, '__proto__') ? { ...a, ...b } : Object.assign({}, a, b)

export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'

export function compileNode(node: GraphNode, slotOf: ReadonlyMap<string, number>, context: StageContext, pipeline: string): NodeOp {
  const inputs = node.inputs.map((id) => slotOf.get(id) as number)
  const from = inputs[0] as number
  switch (node.kind) {
    case 'input':
      return (state) => state[from]
    case 'hop':
      return (state) => state[from]
    case 'get': {
      const key = node.key
      return (state) => {
        const input = state[from] as Rec | typeof STOPPED
        return input === STOPPED ? STOPPED : { [key]: input[key] }
      }
    }
    case 'make': {
      const pairs = Object.entries(node.mapping)
      return (state) => {
        const input = state[from] as Rec | typeof STOPPED
        if (input === STOPPED) return STOPPED
        const out: Rec = {}
        for (const [to, source] of pairs) out[to] = input[source]
        return out
      }
    }
    case 'addValue': {
      const values = node.values
      return (state) => {
        const input = state[from] as Rec | typeof STOPPED
        return input === STOPPED ? STOPPED : merge(input, values)
      }
    }
    case 'concatenate': {
      const entries = node.entries.map((entry, i) => [entry.name, entry.pointKey, inputs[i] as number] as const)
      return (state) => {
        const out: Rec = {}
        for (const [name, pointKey, slot] of entries) {
          const value = state[slot] as Rec | typeof STOPPED
          if (value === STOPPED) return STOPPED
          out[name] = pointKey === undefined ? value : value[pointKey]
        }
        return out
      }
    }
    case 'join': {
      if (node.mode === 'apply') return (state) => state[from]
      const sub = inputs[1] as number
      return (state) => {
        const parent = state[from] as Rec | typeof STOPPED
        const result = state[sub] as Rec | typeof STOPPED
        return parent === STOPPED || result === STOPPED ? STOPPED : merge(parent, result)
      }
    }
    case 'consumer':
      return compileConsumer(node.consumer, node.when, from, context)
    case 'func':
      return node.fanOut ? compileFanOut(node, from, pipeline) : compileFunc(node, from, pipeline)
  }
}

function compileConsumer(consumer: ConsumerRef, when: ((r: never) => boolean) | undefined, from: number, context: StageContext): NodeOp {
  const call =
    consumer.kind === 'simple' ? (record: Rec) => consumer.fn(record as never) : (record: Rec) => context.deliver(consumer, record)
  return (state) => {
    const input = state[from] as Rec | typeof STOPPED
    if (input === STOPPED || (when && !when(input as never))) return input
    const done = call(input)
    return isThenable(done) ? Promise.resolve(done).then(() => input) : input
  }
}

function compileFunc(node: Extract<GraphNode, { kind: 'func' }>, from: number, pipeline: string): NodeOp {
  const fn = node.fn as (record: Rec) => unknown
  const when = node.when as ((record: Rec) => boolean) | undefined
  // A result that already holds the input's keys is the merged record: merging again would only cost.
  const subscribe = node.mode === 'subscribe' && node.resultHoldsInput !== true
  const combine = (input: Rec, result: unknown): unknown => {
    if (result === undefined || result === null) return subscribe ? input : {}
    if (result === STOP) return STOPPED
    if (typeof result !== 'object' || Array.isArray(result)) throw notARecord(node, pipeline, result)
    return subscribe ? merge(input, result as Rec) : result
  }
  return (state) => {
    const input = state[from] as Rec | typeof STOPPED
    if (input === STOPPED) return STOPPED
    if (when && !when(input)) return input
    const result = fn(input)
    return isThenable(result) ? Promise.resolve(result).then((value) => combine(input, value)) : combine(input, result)
  }
}

function compileFanOut(node: Extract<GraphNode, { kind: 'func' }>, from: number, pipeline: string): NodeOp {
  const fn = node.fn as (record: Rec) => unknown
  const when = node.when as ((record: Rec) => boolean) | undefined
  const subscribe = node.mode === 'subscribe' && node.resultHoldsInput !== true
  const spread = (input: Rec, items: unknown[]): FanOut => {
    const records: unknown[] = []
    for (const item of items) {
      if (item === STOP || item === undefined || item === null) continue
      if (typeof item !== 'object' || Array.isArray(item)) throw notARecord(node, pipeline, item)
      records.push(subscribe ? merge(input, item as Rec) : item)
    }
    return new FanOut(records)
  }
  return (state) => {
    const input = state[from] as Rec | typeof STOPPED
    if (input === STOPPED) return STOPPED
    if (when && !when(input)) return input
    const result = fn(input)
    const collected = collect(isThenable(result) ? undefined : result, result, node, pipeline)
    return isThenable(collected) ? collected.then((items) => spread(input, items)) : spread(input, collected)
  }
}

function collect(sync: unknown, maybeAsync: unknown, node: GraphNode, pipeline: string): unknown[] | Promise<unknown[]> {
  if (sync !== undefined) {
    if (sync === STOP) return []
    if (typeof (sync as Iterable<unknown>)[Symbol.iterator] === 'function') return [...(sync as Iterable<unknown>)]
    if (typeof (sync as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return drain(sync as AsyncIterable<unknown>)
    throw new StepError(
      `pipeline '${pipeline}': fan-out node '${node.label}' must return an iterable, got ${typeof sync}`,
      pipeline,
      node.id,
      undefined,
    )
  }
  return Promise.resolve(maybeAsync).then((value) => collect(value ?? [], value, node, pipeline))
}

function notARecord(node: GraphNode, pipeline: string, value: unknown): GraphError {
  const got = Array.isArray(value) ? 'an array' : typeof value
  return new GraphError(
    `pipeline '${pipeline}': node '${node.label}'${node.source ? ` (${node.source})` : ''} returned ${got}; return a record (an object), nothing, or STOP`,
  )
}

async function drain(source: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = []
  for await (const item of source) items.push(item)
  return items
}
