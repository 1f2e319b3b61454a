// Inspected project + record types -> the generation model: shape names, payloads, queue names,
// contract hashes. Pure data in, pure data out.
import { queueName } from '../src/runtime/keys.js'
import { CodegenError } from './errors.js'
import { shortHash } from './hash.js'
import type { GenApp, GenModel, GenPipeline, InspectedProject, SlotShape } from './model.js'
import type { PipelineTypes } from './types/node-types.js'

/** The nodes whose record crosses a stage boundary, plus the pipeline's input and output. */
export function boundaryNodes(pipeline: { stages: readonly { liveIn: readonly string[] }[]; output: string }): Set<string> {
  return new Set(['input', pipeline.output, ...pipeline.stages.flatMap((s) => s.liveIn)])
}

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('')

export function buildModel(project: InspectedProject, types: ReadonlyMap<string, PipelineTypes>, inputsHash: string): GenModel {
  // Name every boundary shape `<App><Pipeline><Node>`; clashes (e.g. `a_b` vs `a-b`) get a suffix.
  const keys = project.apps.flatMap((app) =>
    app.pipelines.flatMap((pl) => [...boundaryNodes(pl)].map((node) => ({ app: app.name, pipeline: pl.name, node }))),
  )
  keys.sort((a, b) => cmp(`${a.app}\0${a.pipeline}\0${a.node}`, `${b.app}\0${b.pipeline}\0${b.node}`))
  const nameOf = new Map<string, string>()
  const taken = new Set<string>()
  for (const key of keys) {
    const base = pascal(key.app) + pascal(key.pipeline) + pascal(key.node)
    let name = base
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`
    taken.add(name)
    nameOf.set(`${key.app}.${key.pipeline}\0${key.node}`, name)
  }

  const shapes = new Map<string, { text: string; members: readonly string[] | null; usedAt: string[] }>()
  const apps: GenApp[] = project.apps.map((app) => ({
    name: app.name,
    module: app.module,
    exportName: app.exportName,
    pipelines: app.pipelines.map((pl): GenPipeline => {
      const full = `${app.name}.${pl.name}`
      const found = types.get(full)
      const shapeName = (node: string): string => {
        const name = nameOf.get(`${full}\0${node}`) as string
        const printed = found?.shapes.get(node)
        if (!printed) throw new CodegenError('SHAPE', `pipeline '${full}': no record type for node '${node}'`, null)
        if (!shapes.has(name)) shapes.set(name, { text: printed.text, members: printed.members, usedAt: [] })
        return name
      }
      const stages = pl.stages.map((stage) => {
        const queue = queueName(app.name, pl.name, stage.id)
        const payload = stage.liveIn.map(shapeName)
        payload.forEach((name, i) => {
          shapes.get(name)?.usedAt.push(`${queue} (value ${i + 1} of ${payload.length})`)
        })
        const contract = shortHash(JSON.stringify(payload.map((name) => shapes.get(name)?.text)))
        return { ...stage, queue, payload, contract }
      })
      return {
        ...pl,
        declaration: found?.declaration ?? null,
        nodes: pl.nodes.map((n) => (n.kind === 'input' ? { ...n, source: found?.declaration ?? null } : n)),
        stages,
        inputShape: shapeName('input'),
        outputShape: shapeName(pl.output),
        workerFile: `workers/${app.name}.${pl.name}.ts`,
      }
    }),
  }))
  const shapeList: SlotShape[] = [...shapes.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([name, s]) => ({ name, text: s.text, members: s.members, usedAt: s.usedAt }))
  return { root: project.root, generatedDir: project.generatedDir, apps, shapes: shapeList, inputsHash }
}

export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
