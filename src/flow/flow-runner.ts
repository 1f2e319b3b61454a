// Walks a compiled flow on one record. Synchronous unless a step returns a promise (or a fan-out
// step an async iterable): the pipeline's hot path stays free of promises for sync flows.
// Records are never mutated: each step's result is merged into a new record, so branches that
// share a parent record cannot see each other's keys.

import type { AnyRecord } from '../dsl/shape-types.js'
import { STOP, StopPipeline } from '../dsl/stop.js'
import type { FlowPlan, PlannedStep } from './flow-compiler.js'
import { FlowStepError } from './flow-errors.js'

/** Receives what a walk reaches: last steps (own output and accumulated record) and saved steps. */
export interface FlowSink {
  last(step: PlannedStep, own: AnyRecord, acc: AnyRecord, many: boolean): void
  save(step: PlannedStep, acc: AnyRecord, many: boolean): void
}

interface Walk {
  readonly plan: FlowPlan
  readonly self: object
  readonly sink: FlowSink
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'

/** Runs `step` and everything after it on `record`. */
export function walkFrom(plan: FlowPlan, self: object, step: PlannedStep, record: AnyRecord, sink: FlowSink): void | Promise<void> {
  return visit({ plan, self, sink }, step, record, false)
}

/** Runs a straight-line flow: the accumulated record at its last step, STOP, or a promise of either. */
export function runChain(plan: FlowPlan, chain: readonly PlannedStep[], self: object, record: AnyRecord, from = 0): unknown {
  let acc = record
  for (let i = from; i < chain.length; i++) {
    const step = chain[i] as PlannedStep
    const result = call(plan, self, step, acc)
    if (isThenable(result)) {
      const before = acc
      return Promise.resolve(result).then(
        (value) => {
          const merged = mergeResult(plan, step, before, value)
          return merged === STOP ? STOP : runChain(plan, chain, self, merged, i + 1)
        },
        (error: unknown) => {
          throw failure(plan, step, error)
        },
      )
    }
    const merged = mergeResult(plan, step, acc, result)
    if (merged === STOP) return STOP
    acc = merged
  }
  return acc
}

function call(plan: FlowPlan, self: object, step: PlannedStep, record: AnyRecord): unknown {
  try {
    return (step.fn as (this: object, record: AnyRecord) => unknown).call(self, record)
  } catch (error) {
    throw failure(plan, step, error)
  }
}

function failure(plan: FlowPlan, step: PlannedStep, error: unknown): unknown {
  if (error instanceof StopPipeline || error instanceof FlowStepError) return error
  return new FlowStepError(plan.flow, step.name, error)
}

/** The record after `step` returned `result`: merged, unchanged (nothing returned), or STOP. */
function mergeResult(plan: FlowPlan, step: PlannedStep, acc: AnyRecord, result: unknown): AnyRecord | typeof STOP {
  if (result === undefined || result === null) return acc
  if (result === STOP) return STOP
  if (typeof result !== 'object' || Array.isArray(result)) throw notARecord(plan, step, result)
  return { ...acc, ...(result as AnyRecord) }
}

function notARecord(plan: FlowPlan, step: PlannedStep, value: unknown): FlowStepError {
  const got = Array.isArray(value) ? 'an array' : typeof value
  const hint = step.fanOut ? 'items of a fan-out step must be records' : 'return a record (an object), nothing, or STOP'
  return new FlowStepError(plan.flow, step.name, new TypeError(`it returned ${got}; ${hint}`))
}

function visit(walk: Walk, step: PlannedStep, record: AnyRecord, many: boolean): void | Promise<void> {
  const result = call(walk.plan, walk.self, step, record)
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => after(walk, step, record, value, many),
      (error: unknown) => {
        throw failure(walk.plan, step, error)
      },
    )
  }
  return after(walk, step, record, result, many)
}

function after(walk: Walk, step: PlannedStep, record: AnyRecord, result: unknown, many: boolean): void | Promise<void> {
  if (result === STOP) return
  if (!step.fanOut) return proceed(walk, step, record, result, many)
  if (result === undefined || result === null) return
  if (typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    return drain(walk, step, result as AsyncIterable<unknown>).then((items) => eachItem(walk, step, record, items))
  }
  if (typeof (result as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new FlowStepError(walk.plan.flow, step.name, new TypeError(`a fan-out step must return an iterable, got ${typeof result}`))
  }
  return eachItem(walk, step, record, result as Iterable<unknown>)
}

function eachItem(walk: Walk, step: PlannedStep, record: AnyRecord, items: Iterable<unknown>): void | Promise<void> {
  let pending: Promise<void>[] | undefined
  for (const item of items) {
    if (item === STOP || item === undefined || item === null) continue
    const done = proceed(walk, step, record, item, true)
    if (done) (pending ??= []).push(done)
  }
  return pending ? Promise.all(pending).then(() => undefined) : undefined
}

async function drain(walk: Walk, step: PlannedStep, source: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = []
  try {
    for await (const item of source) items.push(item)
  } catch (error) {
    throw failure(walk.plan, step, error)
  }
  return items
}

function proceed(walk: Walk, step: PlannedStep, record: AnyRecord, result: unknown, many: boolean): void | Promise<void> {
  const merged = mergeResult(walk.plan, step, record, result)
  if (merged === STOP) return
  const own = result === undefined || result === null ? {} : (result as AnyRecord)
  if (step.next.length === 0) walk.sink.last(step, own, merged, many)
  if (step.saveResult) walk.sink.save(step, merged, many)
  if (step.next.length === 1) return visit(walk, step.next[0] as PlannedStep, merged, many)
  let pending: Promise<void>[] | undefined
  for (const next of step.next) {
    const done = visit(walk, next, merged, many)
    if (done) (pending ??= []).push(done)
  }
  return pending ? Promise.all(pending).then(() => undefined) : undefined
}
