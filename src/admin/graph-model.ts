// The page's graph: every app's pipelines as stages (from each pipeline's plan, the same one the
// engines run, so the stage queues match the figures the engine reports), enriched from
// generated/manifest.json (contract hashes, shapes) and generated/shapes.ts (each shape's keys),
// with the apps' producers and consumers around them.
import type { App } from '../dsl/app.js'
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { GraphNode } from '../graph/nodes.js'
import { planPipeline } from '../plan/planner.js'
import { queueName } from '../runtime/keys.js'
import type { Manifest, ManifestPipeline } from '../runtime/manifest.js'
import type { AppView, ConsumerView, PipelineView, ProducerView, ShapeValue, StageView, StepView } from './api-types.js'
import type { ShapeEntry } from './shape-members.js'

export interface GraphInputs {
  readonly apps: readonly App<Record<string, unknown>>[]
  /** The pipelines the page shows (and the engine is asked about). */
  readonly pipelines: readonly AnyPipeline[]
  readonly manifest: Manifest | undefined
  readonly shapes: ReadonlyMap<string, ShapeEntry>
}

export interface BuiltGraph {
  readonly apps: AppView[]
  readonly notes: string[]
}

const pipelineKey = (app: string, name: string): string => `${app}.${name}`

/** Builds the apps' views; `notes` say what could not be shown and why. */
export function buildGraph(inputs: GraphInputs): BuiltGraph {
  const notes: string[] = []
  if (!inputs.manifest) notes.push("no generated/manifest.json: stage keys and contracts are not shown (run 'stairs codegen')")
  else if (inputs.shapes.size === 0) notes.push("no generated/shapes.ts: stage keys are not shown (run 'stairs codegen')")
  const shown = new Set(inputs.pipelines.map((p) => pipelineKey(p.app, p.name)))
  const apps: AppView[] = []
  for (const app of inputs.apps) {
    const pipelines = [...app.pipelines.values()].filter((p) => shown.has(pipelineKey(p.app, p.name)))
    if (pipelines.length === 0) continue
    const entries = inputs.manifest?.apps.find((a) => a.name === app.name)?.pipelines ?? []
    const views = pipelines.map((pipeline) => {
      const entry = entries.find((e) => e.name === pipeline.name)
      if (inputs.manifest && !entry)
        notes.push(`${pipelineKey(app.name, pipeline.name)} is not in generated/manifest.json: run 'stairs codegen'`)
      return pipelineView(pipeline, entry, inputs.shapes, notes)
    })
    apps.push({ name: app.name, pipelines: views, producers: producersOf(app, shown), consumers: consumersOf(app, views) })
  }
  return { apps, notes }
}

function pipelineView(
  pipeline: AnyPipeline,
  entry: ManifestPipeline | undefined,
  shapes: ReadonlyMap<string, ShapeEntry>,
  notes: string[],
): PipelineView {
  const plan = planPipeline(pipeline.graph())
  const id = pipelineKey(pipeline.app, pipeline.name)
  const subPipelineOf = subPipelinePrefixes(plan.order)
  const stages: StageView[] = plan.stages.map((stage, index) => {
    const listed = entry?.stages.find((s) => s.id === stage.id)
    if (entry && !listed) notes.push(`stage '${stage.id}' of ${id} is not in generated/manifest.json: run 'stairs codegen'`)
    const next = entry?.stages.find((s) => s.index === index + 1)
    const output: ShapeValue[] = next
      ? next.payload.map((shape, i) => shapeValue(next.liveIn[i] ?? '', shape, shapes))
      : entry && index === plan.stages.length - 1
        ? [shapeValue(entry.output, entry.outputShape, shapes)]
        : []
    return {
      queue: queueName(pipeline.app, pipeline.name, stage.id),
      pipeline: id,
      id: stage.id,
      index,
      steps: stage.nodes.map(stepView),
      subPipelines: [...new Set(stage.nodes.flatMap((node) => subPipelineOf(node)))],
      contract: listed?.contract ?? null,
      input: listed ? listed.payload.map((shape, i) => shapeValue(listed.liveIn[i] ?? '', shape, shapes)) : [],
      output,
    }
  })
  return { id, app: pipeline.app, name: pipeline.name, source: entry?.source ?? null, config: plainJson(pipeline.config), stages }
}

/** Which sub-pipeline a node runs part of: hops name it, and the nodes it inlined carry the hop's prefix. */
function subPipelinePrefixes(order: readonly GraphNode[]): (node: GraphNode) => string[] {
  const byPrefix = new Map<string, string>()
  for (const node of order) if (node.kind === 'hop') byPrefix.set(`${node.id.replace(/^to_/, '')}.`, node.pipeline)
  return (node) => {
    if (node.kind === 'hop') return [node.pipeline]
    const found: string[] = []
    for (const [prefix, name] of byPrefix) if (node.id.startsWith(prefix)) found.push(name)
    return found
  }
}

function stepView(node: GraphNode): StepView {
  const base = { id: node.id, kind: node.kind, label: node.label, source: node.source ?? null }
  return node.kind === 'consumer'
    ? { ...base, consumer: `${node.consumer.app}.${node.consumer.name}`, consumerKind: node.consumer.kind }
    : base
}

function shapeValue(from: string, shape: string, shapes: ReadonlyMap<string, ShapeEntry>): ShapeValue {
  let entry = shapes.get(shape)
  // Follow aliases of one interface (`type XOutput = XFromY`) to its keys.
  for (let hops = 0; entry && 'text' in entry && shapes.has(entry.text) && hops < 5; hops++) entry = shapes.get(entry.text)
  if (!entry) return { from, shape, members: null }
  return 'members' in entry ? { from, shape, members: entry.members } : { from, shape, members: null, text: entry.text }
}

function producersOf(app: App<Record<string, unknown>>, shown: ReadonlySet<string>): ProducerView[] {
  const views: ProducerView[] = []
  for (const producer of app.producers.values()) {
    const fed = producer.kind === 'producer' ? producer.pipelines : [producer.pipeline]
    const pipelines = fed.map((p) => pipelineKey(p.app, p.name)).filter((key) => shown.has(key))
    if (pipelines.length)
      views.push({ app: app.name, name: producer.name, kind: producer.kind === 'producer' ? 'producer' : 'worker producer', pipelines })
  }
  return views
}

function consumersOf(app: App<Record<string, unknown>>, pipelines: readonly PipelineView[]): ConsumerView[] {
  const from = new Map<string, Set<string>>()
  for (const pipeline of pipelines)
    for (const stage of pipeline.stages)
      for (const step of stage.steps)
        if (step.consumer) {
          let stages = from.get(step.consumer)
          if (!stages) from.set(step.consumer, (stages = new Set()))
          stages.add(stage.queue)
        }
  return [...app.consumers.values()].flatMap((consumer) => {
    const queue = `${consumer.app}.${consumer.name}`
    const stages = from.get(queue)
    return stages ? [{ app: consumer.app, name: consumer.name, kind: consumer.kind, queue, from: [...stages] }] : []
  })
}

/** A value as JSON can carry it: functions, symbols and cycles become short text. */
export function plainJson(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value)
  if (value === undefined) return null
  if (typeof value !== 'object' || value === null) return value
  if (seen.has(value)) return '[cycle]'
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((v) => plainJson(v, seen))
    if (value instanceof Date) return value.toISOString()
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v, seen)]))
  } finally {
    seen.delete(value)
  }
}
