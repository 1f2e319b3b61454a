// Splits a pipeline graph into stages: a linear schedule of its nodes, cut at worker boundaries.
// Branches run one after another inside the record's path; the values a later stage still
// needs (the live slots) travel in the envelope, so no engine keeps per-message join state.
import { GraphError } from '../errors.js'
import type { GraphNode, PipelineGraph, RetryPolicy } from '../graph/nodes.js'

export interface StagePlan {
  /** `input` for the first stage, else the id of the node that starts the stage. */
  readonly id: string
  readonly index: number
  /** Nodes in execution order; the first stage starts with the input node. */
  readonly nodes: readonly GraphNode[]
  /** Slots the envelope brings into this stage, in envelope order. */
  readonly liveIn: readonly number[]
  /** Slots carried to the next stage; for the last stage, just the output slot. */
  readonly liveOut: readonly number[]
  /** The first retry policy declared by a node of this stage, if any. */
  readonly retry: RetryPolicy | undefined
}

export interface PipelinePlan {
  readonly app: string
  readonly pipeline: string
  readonly graph: PipelineGraph
  /** Every node that runs, in schedule order; a node's slot is its index here. */
  readonly order: readonly GraphNode[]
  readonly slotOf: ReadonlyMap<string, number>
  readonly stages: readonly StagePlan[]
  readonly outputSlot: number
}

const hasEffect = (node: GraphNode): boolean => node.kind === 'func' || node.kind === 'consumer'

export function planPipeline(graph: PipelineGraph): PipelinePlan {
  const order = schedule(graph)
  const slotOf = new Map(order.map((node, slot) => [node.id, slot]))
  const outputSlot = slotOf.get(graph.output)
  if (outputSlot === undefined) throw new Error(`pipeline '${graph.pipeline}': output node '${graph.output}' is not in the graph`)

  // Cut at boundaries; a boundary right after the input joins the first stage (one input queue).
  const groups: GraphNode[][] = []
  for (const node of order) {
    const current = groups[groups.length - 1]
    const onlyInput = current?.length === 1 && current[0]?.kind === 'input'
    if (!current || (node.boundary && !onlyInput)) groups.push([node])
    else current.push(node)
  }

  const stageOfSlot = new Map<number, number>()
  groups.forEach((nodes, index) => {
    for (const node of nodes) stageOfSlot.set(slotOf.get(node.id) as number, index)
  })
  const lastUse = new Map<number, number>()
  for (const node of order) {
    const stage = stageOfSlot.get(slotOf.get(node.id) as number) as number
    for (const input of node.inputs) {
      const slot = slotOf.get(input) as number
      lastUse.set(slot, Math.max(lastUse.get(slot) ?? -1, stage))
    }
  }

  const stages: StagePlan[] = []
  let liveIn: number[] = [0]
  groups.forEach((nodes, index) => {
    const last = index === groups.length - 1
    const liveOut = last
      ? [outputSlot]
      : [...stageOfSlot.entries()]
          .filter(([slot, stage]) => stage <= index && ((lastUse.get(slot) ?? -1) > index || slot === outputSlot))
          .map(([slot]) => slot)
          .sort((a, b) => a - b)
    const first = nodes[0] as GraphNode
    stages.push(
      Object.freeze({
        id: index === 0 ? 'input' : first.id,
        index,
        nodes: Object.freeze(nodes),
        liveIn: Object.freeze(liveIn),
        liveOut: Object.freeze(liveOut),
        retry: nodes.find((n) => 'retry' in n && n.retry)?.['retry' as never],
      }),
    )
    liveIn = liveOut
  })

  checkFanOutBoundaries(graph, order, stages, stageOfSlot, outputSlot)

  return Object.freeze({
    app: graph.app,
    pipeline: graph.pipeline,
    graph,
    order: Object.freeze(order),
    slotOf,
    stages: Object.freeze(stages),
    outputSlot,
  })
}

/**
 * A topological order that keeps what a node needs before it, drops pure nodes nobody uses, and
 * runs nodes downstream of fewer fan-outs first, so a fan-out multiplies only its own branch.
 */
function schedule(graph: PipelineGraph): GraphNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const needed = new Set<string>()
  const mark = (id: string): void => {
    if (needed.has(id)) return
    needed.add(id)
    for (const input of byId.get(id)?.inputs ?? []) mark(input)
  }
  mark(graph.output)
  for (const node of graph.nodes) if (hasEffect(node)) mark(node.id)

  const nodes = graph.nodes.filter((n) => needed.has(n.id))
  const creation = new Map(nodes.map((n, i) => [n.id, i]))
  const fanOuts = new Map<string, number>()
  for (const node of nodes) {
    // Creation order is topological: inputs are already counted.
    const fromInputs = Math.max(0, ...node.inputs.map((i) => (fanOuts.get(i) ?? 0) + (isFanOut(byId.get(i)) ? 1 : 0)))
    fanOuts.set(node.id, fromInputs)
  }

  const done = new Set<string>()
  const order: GraphNode[] = []
  while (order.length < nodes.length) {
    let best: GraphNode | undefined
    for (const node of nodes) {
      if (done.has(node.id) || !node.inputs.every((i) => done.has(i))) continue
      if (!best || rank(node) < rank(best)) best = node
    }
    if (!best) throw new Error(`pipeline '${graph.pipeline}': the graph has a cycle`)
    done.add(best.id)
    order.push(best)
  }
  return order

  // A fan-out node counts itself: everything not downstream of it is scheduled before it, so a
  // sibling branch runs once per record, not once per item.
  function rank(node: GraphNode): number {
    return ((fanOuts.get(node.id) ?? 0) + (isFanOut(node) ? 1 : 0)) * 1e6 + (creation.get(node.id) ?? 0)
  }
}

const isFanOut = (node: GraphNode | undefined): boolean => node?.kind === 'func' && node.fanOut

/**
 * A record fanned out into N items travels on as N envelopes. When one of those envelopes also
 * carries part of the record that does not depend on the fan-out (the main line, or a sibling
 * branch still to run) across a worker boundary, that part would run or come out N times. Such a
 * graph is refused at build time, with what to change, rather than duplicating work silently.
 */
function checkFanOutBoundaries(
  graph: PipelineGraph,
  order: readonly GraphNode[],
  stages: readonly StagePlan[],
  stageOfSlot: ReadonlyMap<number, number>,
  outputSlot: number,
): void {
  order.forEach((fan, fanSlot) => {
    if (!isFanOut(fan)) return
    const downstream = new Set([fanSlot])
    order.forEach((node, slot) => {
      if (node.inputs.some((id) => downstream.has(order.findIndex((n) => n.id === id)))) downstream.add(slot)
    })
    for (const stage of stages.slice(stageOfSlot.get(fanSlot) as number, -1)) {
      if (!stage.liveOut.some((slot) => downstream.has(slot))) continue
      const duplicated = stage.liveOut.find(
        (slot) =>
          !downstream.has(slot) &&
          (slot === outputSlot ||
            order.some(
              (node, user) =>
                !downstream.has(user) &&
                (stageOfSlot.get(user) as number) > stage.index &&
                node.inputs.includes((order[slot] as GraphNode).id),
            )),
      )
      if (duplicated === undefined) continue
      throw new GraphError(
        `pipeline '${graph.pipeline}'${fan.source ? ` (${fan.source})` : ''}: the fan-out '${fan.label}' sends its items across the worker boundary after stage '${stage.id}' while '${(order[duplicated] as GraphNode).label}', which does not depend on it, travels on too: that part would run once per item. Drop \`asWorker\` on the nodes after the fan-out, or make the fan-out's branch the pipeline's output`,
      )
    }
  })
}
