// The two ways into a compiled flow: as a pipeline component and through `startFrom`.

import type { AnyRecord } from '../dsl/shape-types.js'
import { STOP } from '../dsl/stop.js'
import type { FlowPlan, PlannedStep } from './flow-compiler.js'
import { FlowDefinitionError } from './flow-errors.js'
import { type FlowSink, runChain, walkFrom } from './flow-runner.js'

/**
 * Runs the flow from its first steps. The output is the accumulated record at the last step; with
 * branches, the last steps' records merged; with a fan-out step, one record per path (an array).
 * A record that reaches no last step (STOP everywhere) is dropped. Every output record holds the
 * input's keys (`resultHoldsInput`), so a subscribing node takes it as is.
 */
export function runAsComponent(plan: FlowPlan, self: object, record: object): unknown {
  if (plan.chain) return runChain(plan, plan.chain, self, record as AnyRecord)
  const lasts: AnyRecord[] = []
  const sink: FlowSink = {
    last: (_step, _own, acc) => {
      lasts.push(acc)
    },
    save: () => {},
  }
  const finish = (): unknown => {
    if (plan.fanOut) return lasts
    if (lasts.length === 0) return STOP
    return lasts.length === 1 ? lasts[0] : Object.assign({}, ...lasts)
  }
  const pending = all(plan.roots.map((root) => walkFrom(plan, self, root, record as AnyRecord, sink)))
  return pending ? pending.then(finish) : finish()
}

/** `startFrom(step, data)`: last steps' own outputs and saved steps' records, keyed by step name. */
export function startFromStep(plan: FlowPlan, self: object, name: string, data: object): unknown {
  const step = plan.steps.get(name)
  if (!step) throw new FlowDefinitionError(plan.flow, `startFrom: '${name}' is not a step of the flow`)
  const result: Record<string, unknown> = {}
  const put = (target: PlannedStep, value: AnyRecord, many: boolean): void => {
    if (!many) result[target.name] = value
    else ((result[target.name] ??= []) as AnyRecord[]).push(value)
  }
  const sink: FlowSink = {
    last: (target, own, _acc, many) => {
      if (!target.saveResult) put(target, own, many)
    },
    save: (target, acc, many) => put(target, acc, many),
  }
  const done = walkFrom(plan, self, step, { ...data } as AnyRecord, sink)
  return done ? done.then(() => result) : result
}

function all(results: (void | Promise<void>)[]): Promise<void> | undefined {
  const pending = results.filter((r): r is Promise<void> => r !== undefined)
  return pending.length ? Promise.all(pending).then(() => undefined) : undefined
}
