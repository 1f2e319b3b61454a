// Producers as the CLI sees them: found by `app.name` (unknown names get a suggestion), and the
// ones that feed given pipelines.
import type { AnyPipeline } from '../dsl/pipeline-types.js'
import type { Producer } from '../dsl/producer.js'
import type { WorkerProducer } from '../dsl/worker-producer.js'
import { type AnyApp, type CliProject, pipelineId, splitQualified } from './project-context.js'
import { unknownName } from './suggest.js'

export type AnyProducer = Producer<unknown, unknown> | WorkerProducer<unknown, unknown, unknown>

/** Every producer of the project as `app.name`. */
export function producerNames(project: CliProject): string[] {
  return project.apps.flatMap(({ app }) => [...producersOf(app).keys()].map((name) => `${app.name}.${name}`))
}

/** An app's producers and worker producers, by name. */
export function producersOf(app: AnyApp): ReadonlyMap<string, AnyProducer> {
  return app.producers as ReadonlyMap<string, AnyProducer>
}

/** The producer named `app.name` (or `name` in a one-app project). */
export function findProducer(project: CliProject, qualified: string): AnyProducer {
  const { app, name } = splitQualified(project, qualified, 'producer')
  const producer = producersOf(app).get(name)
  if (!producer) throw unknownName('producer', qualified.includes('.') ? qualified : `${app.name}.${name}`, producerNames(project))
  return producer
}

export const producerPipelines = (producer: AnyProducer): readonly AnyPipeline[] =>
  producer.kind === 'producer' ? producer.pipelines : [producer.pipeline]

/** The simple producers feeding any of `pipelines` (what pipelines:run starts on the memory engine). */
export function producersFeeding(project: CliProject, pipelines: readonly AnyPipeline[]): Producer<unknown, unknown>[] {
  const ids = new Set(pipelines.map(pipelineId))
  return project.apps.flatMap(({ app }) =>
    [...producersOf(app).values()].filter(
      (p): p is Producer<unknown, unknown> => p.kind === 'producer' && p.pipelines.some((pl) => ids.has(pipelineId(pl))),
    ),
  )
}
