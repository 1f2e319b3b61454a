import { GraphError } from '../errors.js'
import { isValidName } from '../names.js'
import type { GraphNode, NodeId, PipelineGraph } from './nodes.js'
import { callerLocation } from './source-location.js'

type NodeDraft = GraphNode extends infer N ? (N extends GraphNode ? Omit<N, 'id' | 'source'> : never) : never

/**
 * Records the nodes of one pipeline graph while its builder function runs. Node ids are the
 * node's label (scoped by inlined sub-pipelines), with `~2`, `~3`... for repeats in creation
 * order: derived from the graph alone, so every process builds the same ids.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = []
  private readonly seen = new Map<string, number>()
  private readonly scopes: string[] = []
  /** Pipelines being built, outermost first: guards against a pipeline calling itself. */
  readonly callStack: string[]

  constructor(
    readonly app: string,
    readonly pipeline: string,
  ) {
    this.callStack = [pipeline]
  }

  add(draft: NodeDraft): NodeId {
    const scoped = this.scopes.length ? `${this.scopes.join('.')}.${draft.label}` : draft.label
    const count = (this.seen.get(scoped) ?? 0) + 1
    this.seen.set(scoped, count)
    const id = count === 1 ? scoped : `${scoped}~${count}`
    const node = Object.freeze({ ...draft, id, source: callerLocation() }) as GraphNode
    this.nodes.push(node)
    return id
  }

  /** Runs `build` with node ids prefixed by `scope` (an inlined sub-pipeline). */
  inScope<T>(scope: string, pipeline: string, build: () => T): T {
    if (this.callStack.includes(pipeline)) {
      throw new GraphError(`pipeline '${this.pipeline}' calls '${pipeline}' recursively: ${[...this.callStack, pipeline].join(' -> ')}`)
    }
    this.scopes.push(scope)
    this.callStack.push(pipeline)
    try {
      return build()
    } finally {
      this.scopes.pop()
      this.callStack.pop()
    }
  }

  node(id: NodeId): GraphNode {
    const node = this.nodes.find((n) => n.id === id)
    if (!node) throw new GraphError(`pipeline '${this.pipeline}': no node '${id}'`)
    return node
  }

  freeze(output: NodeId): PipelineGraph {
    for (const node of this.nodes) {
      if (node.boundary && !isValidName(node.label)) {
        throw new GraphError(
          `pipeline '${this.pipeline}'${node.source ? ` (${node.source})` : ''}: the ${node.kind === 'consumer' ? 'consumer' : 'function'} named ${JSON.stringify(node.label)} runs as a worker, so its name becomes a queue name: give it a valid \`name\` option (letters, digits, '_' and '-')`,
        )
      }
    }
    return Object.freeze({
      app: this.app,
      pipeline: this.pipeline,
      nodes: Object.freeze([...this.nodes]),
      output,
    })
  }
}
