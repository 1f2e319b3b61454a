// graph.md: a Mermaid flowchart per pipeline, one subgraph per stage.

import { describeDetails } from '../../src/graph/node-description.js'
import type { GenModel, GenPipeline } from '../model.js'
import { MD_BANNER } from './banner.js'

const mermaidText = (text: string): string => text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')

function pipelineChart(pl: GenPipeline): string {
  const ids = new Map(pl.nodes.map((n, i) => [n.id, `n${i}`]))
  const lines = ['```mermaid', 'flowchart TD']
  for (const stage of pl.stages) {
    lines.push(`  subgraph s${stage.index}["stage ${mermaidText(stage.id)} · queue ${mermaidText(stage.queue)}"]`)
    for (const id of stage.nodes) {
      const node = pl.nodes.find((n) => n.id === id)
      if (node)
        lines.push(
          `    ${ids.get(id)}["${mermaidText(node.id)}<br/><small>${mermaidText(describeDetails(node.kind, node.details))}</small>"]`,
        )
    }
    lines.push('  end')
  }
  const scheduled = new Set(pl.stages.flatMap((s) => s.nodes))
  for (const node of pl.nodes) {
    if (!scheduled.has(node.id)) continue
    for (const input of node.inputs) if (scheduled.has(input)) lines.push(`  ${ids.get(input)} --> ${ids.get(node.id)}`)
  }
  lines.push('```')
  return lines.join('\n')
}

export function emitGraph(model: GenModel): string {
  const parts = [MD_BANNER, '\n# Pipeline graphs\n']
  for (const app of model.apps) {
    for (const pl of app.pipelines) {
      parts.push(`\n## ${app.name}.${pl.name}\n\n`)
      parts.push(
        `Declared at \`${pl.declaration ?? 'unknown'}\`; ${pl.stages.length} stage${pl.stages.length === 1 ? '' : 's'}; worker: \`${pl.workerFile}\`.\n\n`,
      )
      parts.push(`${pipelineChart(pl)}\n`)
    }
  }
  return parts.join('')
}
