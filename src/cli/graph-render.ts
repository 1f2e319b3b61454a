// `stairs graph`: a pipeline's stages drawn as boxes in the terminal, nodes inside in run order,
// arrows (the queues) between them.
import type { GraphNode } from '../graph/nodes.js'
import type { PipelinePlan } from '../plan/planner.js'
import { queueName } from '../runtime/keys.js'

/** What a node does, in a few words. */
export function describeNode(node: GraphNode): string {
  const parts: string[] = []
  switch (node.kind) {
    case 'func':
      parts.push(`${node.component === 'flow' ? 'flow' : node.mode === 'apply' ? 'apply' : 'subscribe'}${node.fanOut ? ' fan-out' : ''}`)
      if (node.when) parts.push('when')
      break
    case 'consumer':
      parts.push(
        `consumer ${node.consumer.kind === 'simple' ? '' : `(${node.consumer.kind}) `}${node.consumer.app}.${node.consumer.name}`.trim(),
      )
      break
    case 'get':
      parts.push(`get '${node.key}'`)
      break
    case 'make':
      parts.push(
        `make {${Object.entries(node.mapping)
          .map(([to, from]) => (to === from ? to : `${to}: ${from}`))
          .join(', ')}}`,
      )
      break
    case 'addValue':
      parts.push(`addValue {${Object.keys(node.values).join(', ')}}`)
      break
    case 'concatenate':
      parts.push(`concatenate {${node.entries.map((e) => e.name).join(', ')}}`)
      break
    case 'hop':
      parts.push(`-> pipeline ${node.pipeline}`)
      break
    case 'join':
      parts.push(`<- ${node.mode} ${node.pipeline}`)
      break
    case 'input':
      parts.push('input')
      break
  }
  return parts.join(', ')
}

/** The plan as text: one box per stage, an arrow naming the queue between consecutive stages. */
export function renderPlan(plan: PipelinePlan): string {
  const rows = plan.stages.map((stage) =>
    stage.nodes.map((node) => {
      // Inputs are shown only where they are not simply the node drawn just above (branches, joins).
      const previous = plan.order[(plan.slotOf.get(node.id) ?? 0) - 1]?.id
      const from =
        node.inputs.length > 0 && !(node.inputs.length === 1 && node.inputs[0] === previous) ? `  <- ${node.inputs.join(', ')}` : ''
      return { left: `${node.id}${from}`, right: describeNode(node) }
    }),
  )
  const titles = plan.stages.map((s) => ` stage ${s.index + 1}: ${s.id} `)
  const inner = Math.max(
    ...rows.flat().map((r) => r.left.length + r.right.length + 4),
    ...titles.map((t) => t.length + 2),
    `${plan.app}.${plan.pipeline}`.length,
  )
  const out: string[] = [`${plan.app}.${plan.pipeline}`]
  plan.stages.forEach((_stage, index) => {
    const title = titles[index] as string
    out.push(`┌─${title}${'─'.repeat(inner - title.length - 1)}┐`)
    for (const { left, right } of rows[index] ?? []) out.push(`│ ${left}${' '.repeat(inner - left.length - right.length - 2)}${right} │`)
    out.push(`└${'─'.repeat(inner)}┘`)
    const next = plan.stages[index + 1]
    if (next) {
      const pad = ' '.repeat(Math.floor(inner / 2))
      out.push(`${pad}│ queue ${queueName(plan.app, plan.pipeline, next.id)}`, `${pad}▼`)
    }
  })
  return out.join('\n')
}
