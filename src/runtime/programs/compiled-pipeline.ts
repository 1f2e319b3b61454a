// A pipeline ready to run: its plan, one program per stage, and the rules at its edges.
// Shared by every engine; engines only move envelopes between stages.
import type { AnyPipeline } from '../../dsl/pipeline-types.js'
import type { RetryPolicy } from '../../graph/nodes.js'
import { type PipelinePlan, planPipeline } from '../../plan/planner.js'
import { STOPPED, type StageContext, type State } from './node-ops.js'
import { StageProgram } from './stage-program.js'

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 3, backoffMs: 200 })

export class CompiledPipeline {
  readonly plan: PipelinePlan
  readonly stages: readonly StageProgram[]

  constructor(
    readonly pipeline: AnyPipeline,
    context: StageContext,
  ) {
    this.plan = planPipeline(pipeline.graph())
    this.stages = this.plan.stages.map((stage) => new StageProgram(this.plan, stage, context))
  }

  get app(): string {
    return this.plan.app
  }
  get name(): string {
    return this.plan.pipeline
  }

  /** Checks a record against the input schema: the parsed record, or the schema's message. */
  validate(record: unknown): { ok: true; record: object } | { ok: false; message: string } {
    const result = this.pipeline.input.safeParse(record)
    return result.success ? { ok: true, record: result.data as object } : { ok: false, message: result.error.message }
  }

  /**
   * What goes on from stage `index` to the next: the live values and which of them were stopped,
   * or undefined when every live branch was stopped (the record was filtered).
   */
  outgoing(index: number, state: State): { data: unknown[]; stopped: number[] | undefined } | undefined {
    const live = (this.plan.stages[index] as PipelinePlan['stages'][number]).liveOut
    const data: unknown[] = new Array(live.length)
    let stopped: number[] | undefined
    for (let i = 0; i < live.length; i++) {
      const value = state[live[i] as number]
      if (value === STOPPED) {
        ;(stopped ??= []).push(i)
        data[i] = null
      } else data[i] = value
    }
    return stopped?.length === live.length ? undefined : { data, stopped }
  }

  /** The pipeline's output record from the last stage's state, or STOPPED. */
  output(state: State): object | typeof STOPPED {
    return state[this.plan.outputSlot] as object | typeof STOPPED
  }

  retryFor(index: number, fallback: RetryPolicy): RetryPolicy {
    return this.plan.stages[index]?.retry ?? fallback
  }
}
