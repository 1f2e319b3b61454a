// @ts-check
// Places the graph with dagre: one layout per app (apps are stacked, so they never overlap),
// inside it one cluster per pipeline holding its stages left to right, the producers feeding it
// on the left and its standalone and iterator consumers on the right.
import dagre from './vendor/dagre.js'

/** @import { AdminGraph, AppView } from '../api-types.js' */

export const STAGE_SIZE = { width: 250, height: 112 }
export const PRODUCER_SIZE = { width: 190, height: 44 }
export const CONSUMER_SIZE = { width: 190, height: 58 }
const APP_GAP = 48
const APP_TITLE = 34

/**
 * @typedef {{ id: string, kind: 'stage' | 'producer' | 'consumer', ref: string, x: number, y: number, width: number, height: number }} PlacedNode
 * @typedef {{ id: string, label: string, x: number, y: number, width: number, height: number }} PlacedCluster
 * @typedef {{ from: string, to: string, points: { x: number, y: number }[] }} PlacedEdge
 * @typedef {{ app: string, y: number, width: number, height: number }} PlacedApp
 * @typedef {{ nodes: PlacedNode[], clusters: PlacedCluster[], edges: PlacedEdge[], apps: PlacedApp[], width: number, height: number }} Layout
 */

/**
 * @param {AdminGraph} graph
 * @returns {Layout}
 */
export function layoutGraph(graph) {
  /** @type {Layout} */
  const result = { nodes: [], clusters: [], edges: [], apps: [], width: 0, height: 0 }
  let top = 0
  for (const app of graph.apps) {
    const placed = layoutApp(app)
    const offsetY = top + APP_TITLE
    for (const node of placed.nodes) result.nodes.push({ ...node, y: node.y + offsetY })
    for (const cluster of placed.clusters) result.clusters.push({ ...cluster, y: cluster.y + offsetY })
    for (const edge of placed.edges) result.edges.push({ ...edge, points: edge.points.map((p) => ({ x: p.x, y: p.y + offsetY })) })
    result.apps.push({ app: app.name, y: top, width: placed.width, height: placed.height + APP_TITLE })
    result.width = Math.max(result.width, placed.width)
    top += placed.height + APP_TITLE + APP_GAP
  }
  result.height = Math.max(0, top - APP_GAP)
  return result
}

/**
 * @param {AppView} app
 * @returns {{ nodes: PlacedNode[], clusters: PlacedCluster[], edges: PlacedEdge[], width: number, height: number }}
 */
function layoutApp(app) {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: false })
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 56, marginx: 16, marginy: 16 })
  g.setDefaultEdgeLabel(() => ({}))
  /** @type {Map<string, { kind: PlacedNode['kind'], ref: string }>} */
  const kinds = new Map()
  for (const pipeline of app.pipelines) {
    const cluster = `cluster:${pipeline.id}`
    g.setNode(cluster, { label: pipeline.id, paddingTop: 28, paddingLeft: 12, paddingRight: 12, paddingBottom: 12 })
    pipeline.stages.forEach((stage, i) => {
      const id = `stage:${stage.queue}`
      g.setNode(id, { ...STAGE_SIZE })
      g.setParent(id, cluster)
      kinds.set(id, { kind: 'stage', ref: stage.queue })
      const previous = pipeline.stages[i - 1]
      if (previous) g.setEdge(`stage:${previous.queue}`, id)
    })
  }
  for (const producer of app.producers) {
    const id = `producer:${producer.app}.${producer.name}`
    g.setNode(id, { ...PRODUCER_SIZE })
    kinds.set(id, { kind: 'producer', ref: `${producer.app}.${producer.name}` })
    for (const pipelineId of producer.pipelines) {
      const first = app.pipelines.find((p) => p.id === pipelineId)?.stages[0]
      if (first) g.setEdge(id, `stage:${first.queue}`)
    }
  }
  for (const consumer of app.consumers) {
    if (consumer.kind === 'simple') continue
    const id = `consumer:${consumer.queue}`
    g.setNode(id, { ...CONSUMER_SIZE })
    kinds.set(id, { kind: 'consumer', ref: consumer.queue })
    for (const queue of consumer.from) g.setEdge(`stage:${queue}`, id)
  }
  dagre.layout(g)
  /** @type {PlacedNode[]} */
  const nodes = []
  /** @type {PlacedCluster[]} */
  const clusters = []
  for (const id of g.nodes()) {
    const label = g.node(id)
    const x = (label.x ?? 0) - label.width / 2
    const y = (label.y ?? 0) - label.height / 2
    const kind = kinds.get(id)
    if (kind) nodes.push({ id, ...kind, x, y, width: label.width, height: label.height })
    else clusters.push({ id, label: String(label.label ?? id), x, y, width: label.width, height: label.height })
  }
  const edges = g.edges().map((/** @type {{ v: string, w: string }} */ e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }))
  const graphLabel = g.graph()
  return { nodes, clusters, edges, width: graphLabel.width ?? 0, height: graphLabel.height ?? 0 }
}
