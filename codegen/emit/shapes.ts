// shapes.ts: one declared interface per record shape that crosses a stage boundary.
import type { GenModel } from '../model.js'
import { TS_BANNER } from './banner.js'

export function emitShapes(model: GenModel): string {
  const parts = [TS_BANNER, '// The record shape at every stage boundary, as declared interfaces: use them to anchor long chains.\n']
  for (const shape of model.shapes) {
    const doc = shape.usedAt.length ? shape.usedAt.map((u) => ` * - ${u}`).join('\n') : ' * - pipeline input or output'
    parts.push(`\n/**\n * Carried by:\n${doc}\n */\n`)
    if (shape.members) {
      const body = shape.members.map((m) => `  ${m}\n`).join('')
      parts.push(body ? `export interface ${shape.name} {\n${body}}\n` : `export interface ${shape.name} {}\n`)
    } else {
      parts.push(`export type ${shape.name} = ${shape.text}\n`)
    }
  }
  for (const app of model.apps) {
    for (const pl of app.pipelines) {
      const base = pl.inputShape.replace(/Input$/, '')
      if (`${base}Output` !== pl.outputShape)
        parts.push(`\n/** The record pipeline \`${app.name}.${pl.name}\` produces. */\nexport type ${base}Output = ${pl.outputShape}\n`)
    }
  }
  return parts.join('')
}
