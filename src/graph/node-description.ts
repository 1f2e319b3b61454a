// What a graph node is and does, as plain data and as a few words: the one description that
// codegen writes into the manifest, graph.md draws and `stairs graph` prints.
import type { GraphNode } from './nodes.js'

/** A node's particulars as JSON-safe data (what the manifest keeps under `details`). */
export function nodeDetails(node: GraphNode): Record<string, unknown> {
  const details: Record<string, unknown> = {}
  switch (node.kind) {
    case 'func':
      Object.assign(details, { mode: node.mode, fanOut: node.fanOut, component: node.component, when: node.when !== undefined })
      if (node.retry) details.retry = { ...node.retry }
      break
    case 'consumer':
      Object.assign(details, { consumer: `${node.consumer.app}.${node.consumer.name}`, consumerKind: node.consumer.kind })
      details.when = node.when !== undefined
      if (node.retry) details.retry = { ...node.retry }
      break
    case 'get':
      details.key = node.key
      break
    case 'make':
      details.mapping = { ...node.mapping }
      break
    case 'addValue':
      details.values = Object.keys(node.values).sort()
      break
    case 'concatenate':
      details.entries = node.entries.map((e) => ({ name: e.name, pointKey: e.pointKey ?? null }))
      break
    case 'hop':
      details.pipeline = node.pipeline
      break
    case 'join':
      Object.assign(details, { mode: node.mode, pipeline: node.pipeline })
      break
    case 'input':
      break
  }
  return details
}

/** What a node does, in a few words, from its kind and details (`subscribe, fan-out, when`). */
export function describeDetails(kind: string, details: Readonly<Record<string, unknown>>): string {
  const d = details as Record<string, never>
  switch (kind) {
    case 'func':
      return [
        `${d.component === 'flow' ? 'flow' : 'function'}, ${d.mode === 'apply' ? 'apply' : 'subscribe'}`,
        d.fanOut ? 'fan-out' : '',
        d.when ? 'when' : '',
      ]
        .filter(Boolean)
        .join(', ')
    case 'consumer':
      return `consumer ${d.consumerKind === 'simple' ? '' : `(${d.consumerKind}) `}${d.consumer}${d.when ? ', when' : ''}`
    case 'get':
      return `get '${d.key}'`
    case 'make':
      return `make {${Object.entries((d.mapping ?? {}) as Record<string, string>)
        .map(([to, from]) => (to === from ? to : `${to}: ${from}`))
        .join(', ')}}`
    case 'addValue':
      return `addValue {${((d.values ?? []) as string[]).join(', ')}}`
    case 'concatenate':
      return `concatenate {${((d.entries ?? []) as { name: string }[]).map((e) => e.name).join(', ')}}`
    case 'hop':
      return `to pipeline ${d.pipeline}`
    case 'join':
      return `from pipeline ${d.pipeline} (${d.mode})`
    default:
      return kind
  }
}

/** What a node does, in a few words. */
export const describeNode = (node: GraphNode): string => describeDetails(node.kind, nodeDetails(node))
