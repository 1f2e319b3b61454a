// Runtime of DataFrame/DataPoint: an immutable handle on one node of the graph being built.
// Untyped on purpose; the typed face is handle-types.ts.
import { GraphError } from '../errors.js'
import { type FlowRuntime, toPipelineStep } from '../flow/flow-contract.js'
import type { GraphBuilder } from '../graph/graph-builder.js'
import type { ApplyMode, ConsumerRef, NodeId, RetryPolicy } from '../graph/nodes.js'
import { callerLocation } from '../graph/source-location.js'

/** What a handle needs of a pipeline it calls (`subscribePipeline`): its names, and building its nodes into this graph. */
export interface CallablePipeline {
  readonly app: string
  readonly name: string
  buildInto(builder: GraphBuilder, input: NodeId, override: unknown): NodeId
}

interface Options {
  asWorker?: boolean
  name?: string
  when?: (record: never) => boolean
  retry?: Partial<RetryPolicy>
}

type Fn = (input: never) => unknown

export class HandleImpl {
  constructor(
    readonly builder: GraphBuilder,
    readonly nodeId: NodeId,
    /** Set on data points: the one key of the record. */
    readonly pointKey: string | undefined,
  ) {
    Object.freeze(this)
  }

  subscribeFunc(fn: Fn, options?: Options): HandleImpl {
    return this.func(fn, options, 'subscribe', false)
  }
  applyFunc(fn: Fn, options?: Options): HandleImpl {
    return this.func(fn, options, 'apply', false)
  }
  subscribeFanOut(fn: Fn, options?: Options): HandleImpl {
    return this.func(fn, options, 'subscribe', true)
  }
  applyFanOut(fn: Fn, options?: Options): HandleImpl {
    return this.func(fn, options, 'apply', true)
  }
  subscribeFlow(flow: FlowRuntime, options?: Options): HandleImpl {
    return this.flow(flow, options, 'subscribe')
  }
  applyFlow(flow: FlowRuntime, options?: Options): HandleImpl {
    return this.flow(flow, options, 'apply')
  }

  subscribeConsumer(consumer: ConsumerRef, options?: Options): HandleImpl {
    if (typeof consumer?.fn !== 'function') throw this.misuse('subscribeConsumer takes a consumer made by app.consumer(...)')
    const id = this.builder.add({
      kind: 'consumer',
      label: options?.name ?? consumer.name,
      inputs: [this.nodeId],
      boundary: options?.asWorker === true,
      consumer,
      when: options?.when,
      retry: retryOf(options),
    })
    return new HandleImpl(this.builder, id, this.pointKey)
  }

  subscribePipeline(pipeline: CallablePipeline, options?: { config?: object }): HandleImpl {
    return this.callPipeline(pipeline, options, 'subscribe')
  }
  applyPipeline(pipeline: CallablePipeline, options?: { config?: object }): HandleImpl {
    return this.callPipeline(pipeline, options, 'apply')
  }

  get(key: string): HandleImpl {
    if (typeof key !== 'string') throw this.misuse('get takes a key name')
    const id = this.builder.add({ kind: 'get', label: `get_${key}`, inputs: [this.nodeId], boundary: false, key })
    return new HandleImpl(this.builder, id, key)
  }

  make(mapping: Record<string, string>): HandleImpl {
    const id = this.builder.add({
      kind: 'make',
      label: 'make',
      inputs: [this.nodeId],
      boundary: false,
      mapping: Object.freeze({ ...mapping }),
    })
    return new HandleImpl(this.builder, id, undefined)
  }

  addValue(values: Record<string, unknown>): HandleImpl {
    const id = this.builder.add({
      kind: 'addValue',
      label: 'addValue',
      inputs: [this.nodeId],
      boundary: false,
      values: Object.freeze({ ...values }),
    })
    return new HandleImpl(this.builder, id, undefined)
  }

  private func(fn: Fn, options: Options | undefined, mode: ApplyMode, fanOut: boolean): HandleImpl {
    if (typeof fn !== 'function') throw this.misuse(`${mode}Func takes a function`)
    if (options?.asWorker && !options.name && !fn.name) {
      // Its label becomes a queue name: a generic 'anonymous' would collide and say nothing.
      const where = callerLocation()
      throw this.misuse(
        `${where ? `(${where}) ` : ''}an anonymous function runs as a worker, so its name becomes a queue name: give it a \`name\` option`,
      )
    }
    const id = this.builder.add({
      kind: 'func',
      label: options?.name ?? (fn.name || 'anonymous'),
      inputs: [this.nodeId],
      boundary: options?.asWorker === true,
      fn,
      mode,
      fanOut,
      when: options?.when,
      component: 'function',
      retry: retryOf(options),
    })
    return new HandleImpl(this.builder, id, undefined)
  }

  private flow(flow: FlowRuntime, options: Options | undefined, mode: ApplyMode): HandleImpl {
    if (typeof flow?.[toPipelineStep] !== 'function') throw this.misuse(`${mode}Flow takes a Flow instance`)
    const step = flow[toPipelineStep]()
    const id = this.builder.add({
      kind: 'func',
      label: options?.name ?? step.label,
      inputs: [this.nodeId],
      boundary: options?.asWorker === true,
      fn: step.run,
      mode,
      fanOut: step.fanOut,
      resultHoldsInput: step.resultHoldsInput,
      when: options?.when,
      component: 'flow',
      retry: retryOf(options),
    })
    return new HandleImpl(this.builder, id, undefined)
  }

  private callPipeline(pipeline: CallablePipeline, options: { config?: object } | undefined, mode: ApplyMode): HandleImpl {
    if (typeof pipeline?.buildInto !== 'function') throw this.misuse(`${mode}Pipeline takes a pipeline made by app.pipeline(...)`)
    const scope = `${pipeline.app}_${pipeline.name}`
    const hop = this.builder.add({ kind: 'hop', label: `to_${scope}`, inputs: [this.nodeId], boundary: true, pipeline: pipeline.name })
    const output = this.builder.inScope(scope, pipeline.name, () => pipeline.buildInto(this.builder, hop, options?.config))
    const inputs = mode === 'subscribe' ? [this.nodeId, output] : [output]
    const join = this.builder.add({ kind: 'join', label: `from_${scope}`, inputs, boundary: true, mode, pipeline: pipeline.name })
    return new HandleImpl(this.builder, join, undefined)
  }

  private misuse(message: string): GraphError {
    return new GraphError(`pipeline '${this.builder.pipeline}': ${message}`)
  }
}

function retryOf(options: Options | undefined): RetryPolicy | undefined {
  const retry = options?.retry
  if (!retry) return undefined
  return Object.freeze({ attempts: Math.max(1, retry.attempts ?? 3), backoffMs: Math.max(0, retry.backoffMs ?? 100) })
}

export const isHandle = (value: unknown): value is HandleImpl => value instanceof HandleImpl
