// `stairs graph`: a pipeline's stages drawn as boxes in the terminal, nodes inside in run order,
// arrows (the queues) between them.
import { describeNode } from '../graph/node-description.js'
import type { PipelinePlan } from '../plan/planner.js'
import { queueName } from '../runtime/keys.js'

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
