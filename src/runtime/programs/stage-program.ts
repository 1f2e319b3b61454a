// A stage compiled to a list of node ops, run once per envelope. Synchronous until a user
// function returns a promise: records of sync pipelines never wait on a microtask.

import { StopPipeline } from '../../dsl/stop.js'
import { errorMessage, GraphError, StepError } from '../../errors.js'
import type { GraphNode } from '../../graph/nodes.js'
import type { PipelinePlan, StagePlan } from '../../plan/planner.js'
import { compileNode, FanOut, type NodeOp, STOPPED, type StageContext, type State } from './node-ops.js'
import type { Envelope } from './wire.js'

/**
 * Receives each record a stage sends on; `branch` is '' or the fan-out suffix ('.0', '.1.2', ...);
 * `context` is what the caller passed to `run`, so one callback can serve every record.
 */
export type Emit = (state: State, branch: string, context: unknown) => void | Promise<void>

interface CompiledOp {
  readonly run: NodeOp
  readonly slot: number
  readonly node: GraphNode
  /**
   * Fan-out nodes: whether what this stage sends on (its live slots, or the output) depends on
   * the node. When it does not, the items run their branch for its effects (consumers) and the
   * record goes on once, instead of once per item.
   */
  readonly fanOutFeedsOn: boolean
}

export class StageProgram {
  readonly name: string
  private readonly ops: readonly CompiledOp[]
  private readonly width: number

  constructor(
    readonly plan: PipelinePlan,
    readonly stage: StagePlan,
    context: StageContext,
  ) {
    this.name = `${plan.pipeline}/${stage.id}`
    this.width = plan.order.length
    this.ops = stage.nodes
      .filter((node) => node.kind !== 'input')
      .map((node) => ({
        run: compileNode(node, plan.slotOf, context, plan.pipeline),
        slot: plan.slotOf.get(node.id) as number,
        node,
        fanOutFeedsOn: node.kind === 'func' && node.fanOut && feedsOn(plan, stage, node),
      }))
  }

  /** A fresh state holding the envelope's live values. */
  load(envelope: Envelope): State {
    const state: State = new Array(this.width)
    const { liveIn } = this.stage
    for (let i = 0; i < liveIn.length; i++) state[liveIn[i] as number] = envelope.data[i]
    if (envelope.stopped) for (const i of envelope.stopped) state[liveIn[i] as number] = STOPPED
    return state
  }

  /** A fresh state for an input record (first stage). */
  loadInput(record: unknown): State {
    const state: State = new Array(this.width)
    state[0] = record
    return state
  }

  /** Runs the stage on `state`; throws (or rejects) with a StepError naming the node on failure. */
  run(state: State, emit: Emit, context?: unknown): void | Promise<void> {
    return this.exec(0, state, emit, '', context)
  }

  private exec(from: number, state: State, emit: Emit, branch: string, context: unknown): void | Promise<void> {
    const ops = this.ops
    for (let i = from; i < ops.length; i++) {
      const op = ops[i] as CompiledOp
      let value: unknown
      try {
        value = op.run(state)
      } catch (error) {
        if (!(error instanceof StopPipeline)) throw this.wrap(error, op.node)
        value = STOPPED
      }
      if (value instanceof Promise) return this.resume(i, value, state, emit, branch, context)
      if (value instanceof FanOut) return this.fan(i, value, state, emit, branch, context)
      state[op.slot] = value
    }
    return emit(state, branch, context)
  }

  private async resume(
    i: number,
    pending: PromiseLike<unknown>,
    state: State,
    emit: Emit,
    branch: string,
    context: unknown,
  ): Promise<void> {
    const op = this.ops[i] as CompiledOp
    let value: unknown
    try {
      value = await pending
    } catch (error) {
      if (!(error instanceof StopPipeline)) throw this.wrap(error, op.node)
      value = STOPPED
    }
    if (value instanceof FanOut) return this.fan(i, value, state, emit, branch, context)
    state[op.slot] = value
    return this.exec(i + 1, state, emit, branch, context)
  }

  private fan(i: number, fan: FanOut, state: State, emit: Emit, branch: string, context: unknown): void | Promise<void> {
    const op = this.ops[i] as CompiledOp
    const slot = op.slot
    if (fan.items.length === 0) {
      // No items ends this branch only, like STOP: the rest of the record goes on.
      state[slot] = STOPPED
      return this.exec(i + 1, state, emit, branch, context)
    }
    if (!op.fanOutFeedsOn) return this.fanForEffects(i, fan, state, emit, branch, context)
    let pending: Promise<void>[] | undefined
    fan.items.forEach((item, n) => {
      const copy = state.slice()
      copy[slot] = item
      const done = this.exec(i + 1, copy, emit, `${branch}.${n}`, context)
      if (done) (pending ??= []).push(done)
    })
    return pending ? Promise.all(pending).then(() => undefined) : undefined
  }

  /** Runs each item's branch for its effects; the record goes on once (as the first item left it). */
  private fanForEffects(i: number, fan: FanOut, state: State, emit: Emit, branch: string, context: unknown): void | Promise<void> {
    const slot = (this.ops[i] as CompiledOp).slot
    let onward: State | undefined
    const keepFirst: Emit = (final) => {
      onward ??= final
    }
    let pending: Promise<void>[] | undefined
    for (const item of fan.items) {
      const copy = state.slice()
      copy[slot] = item
      const done = this.exec(i + 1, copy, keepFirst, branch, context)
      if (done) (pending ??= []).push(done)
    }
    const send = (): void | Promise<void> => (onward ? emit(onward, branch, context) : undefined)
    return pending ? Promise.all(pending).then(send) : send()
  }

  private wrap(error: unknown, node: GraphNode): Error {
    if (error instanceof StepError || error instanceof GraphError) return error
    const where = node.source ? ` (${node.source})` : ''
    return new StepError(
      `pipeline '${this.plan.pipeline}', stage '${this.stage.id}': ${node.kind === 'consumer' ? 'consumer' : 'step'} '${node.label}'${where} failed: ${errorMessage(error)}`,
      this.plan.pipeline,
      node.id,
      error,
    )
  }
}

/** True when a slot this stage sends on (or the pipeline output, in the last stage) descends from `node`. */
function feedsOn(plan: PipelinePlan, stage: StagePlan, node: GraphNode): boolean {
  const downstream = new Set([node.id])
  for (const later of plan.order) if (later.inputs.some((id) => downstream.has(id))) downstream.add(later.id)
  return stage.liveOut.some((slot) => downstream.has((plan.order[slot] as GraphNode).id))
}
