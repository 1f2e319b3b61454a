import { GraphError } from '../errors.js'
import { GraphBuilder } from '../graph/graph-builder.js'
import type { NodeId, PipelineGraph } from '../graph/nodes.js'
import { deepMerge } from './deep-merge.js'
import { HandleImpl, isHandle } from './handle.js'
import type { InputSchema } from './pipeline-types.js'

/** What a pipeline builder receives as its first argument. */
export interface PipelineContext<C, AC> {
  readonly name: string
  /** This pipeline's config: the defaults with the caller's overrides merged in. */
  readonly config: C
  readonly app: { readonly name: string; readonly config: AC }
}

type BuildFn = (context: PipelineContext<unknown, unknown>, input: unknown) => unknown

/** Runtime of a declared pipeline (typed through pipeline-types.ts). */
export class PipelineImpl {
  private cached: PipelineGraph | undefined

  constructor(
    readonly app: string,
    readonly name: string,
    readonly input: InputSchema<unknown>,
    readonly config: unknown,
    private readonly appConfig: unknown,
    private readonly build: BuildFn,
  ) {}

  graph(override?: unknown): PipelineGraph {
    if (override === undefined && this.cached) return this.cached
    const builder = new GraphBuilder(this.app, this.name)
    const input = builder.add({ kind: 'input', label: 'input', inputs: [], boundary: false })
    const graph = builder.freeze(this.buildInto(builder, input, override))
    if (override === undefined) this.cached = graph
    return graph
  }

  /** Builds this pipeline's nodes into `builder`, reading its input from node `input`; returns the output node. */
  buildInto(builder: GraphBuilder, input: NodeId, override: unknown): NodeId {
    const context: PipelineContext<unknown, unknown> = Object.freeze({
      name: this.name,
      config: deepMerge(this.config, override),
      app: Object.freeze({ name: this.app, config: this.appConfig }),
    })
    const result = this.build(context, new HandleImpl(builder, input, undefined))
    if (!isHandle(result)) {
      throw new GraphError(
        `pipeline '${this.app}.${this.name}': the builder must return a DataFrame or DataPoint (the pipeline's output), got ${typeof result}`,
      )
    }
    if (result.builder !== builder)
      throw new GraphError(`pipeline '${this.app}.${this.name}': the builder returned a handle of another pipeline`)
    return result.nodeId
  }

  toString(): string {
    return `Pipeline(${this.app}.${this.name})`
  }
}
