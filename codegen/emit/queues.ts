// queues.ts: every stage queue's name as a literal constant, with the payload it carries.

import type { GenModel } from '../model.js'
import { quote, TS_BANNER } from './banner.js'

const key = (name: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quote(name))

export function emitQueues(model: GenModel): string {
  const used = new Set(model.apps.flatMap((a) => a.pipelines.flatMap((p) => p.stages.flatMap((s) => s.payload))))
  const lines = [TS_BANNER]
  if (used.size) lines.push(`import type { ${[...used].sort().join(', ')} } from './shapes.js'`)
  lines.push('\n/** Queue names by app, pipeline and stage: `app.pipeline.stage`. */')
  lines.push('export const queues = {')
  for (const app of model.apps) {
    lines.push(`  ${key(app.name)}: {`)
    for (const pl of app.pipelines) {
      lines.push(`    ${key(pl.name)}: {`)
      for (const stage of pl.stages) lines.push(`      ${key(stage.id)}: ${quote(stage.queue)},`)
      lines.push('    },')
    }
    lines.push('  },')
  }
  lines.push('} as const\n')
  const stages = model.apps.flatMap((a) => a.pipelines.flatMap((p) => p.stages))
  lines.push('/** What each queue carries: the values of its envelope, in order. */')
  lines.push('export interface QueuePayloads {')
  for (const stage of stages) lines.push(`  ${quote(stage.queue)}: readonly [${stage.payload.join(', ')}]`)
  lines.push('}\n')
  lines.push('/** Every queue name. */')
  lines.push('export type QueueName = keyof QueuePayloads\n')
  lines.push("/** Contract hash of each queue's payload shape (as in manifest.json): workers refuse a mismatch. */")
  lines.push('export const contracts: { readonly [Q in QueueName]: string } = {')
  for (const stage of stages) lines.push(`  ${quote(stage.queue)}: ${quote(stage.contract)},`)
  lines.push('}\n')
  return lines.join('\n')
}
