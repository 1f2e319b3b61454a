import { NameError } from '../errors.js'
import { assertValidName } from '../names.js'
import type { Consumer } from './consumer.js'
import { createConsumer } from './consumer.js'
import type { AnyHandle, DataFrame, ShapeOf } from './handle-types.js'
import { type PipelineContext, PipelineImpl } from './pipeline.js'
import type { AnyPipeline, InputSchema, Pipeline } from './pipeline-types.js'
import type { AnyRecord } from './shape-types.js'

export interface AppOptions<C> {
  /** The app's typed config, readable by every pipeline of the app (`p.app.config`). */
  config?: C
}

export interface PipelineOptions<In, PC> {
  /** The input schema (zod): the input type, and the check at the producer boundary. */
  input: InputSchema<In>
  /** Defaults of this pipeline's config; callers override them with `subscribePipeline(pl, { config })`. */
  config?: PC
}

/**
 * An app groups pipelines, producers and consumers under one name (the Redis namespace).
 *
 * @example
 * const app = new App('hacker_news', { config: { topic: 'python' } })
 * export const clean = app.pipeline('clean', { input: z.object({ text: z.string() }) }, (p, story) =>
 *   story.subscribeFunc(({ text }: { text: string }) => ({ words: text.split(' ') })))
 */
export class App<C extends AnyRecord = {}> {
  readonly name: string
  readonly config: C
  readonly pipelines = new Map<string, AnyPipeline>()
  readonly consumers = new Map<string, Consumer<never>>()

  constructor(name: string, options: AppOptions<C> = {}) {
    assertValidName(name, 'app')
    this.name = name
    this.config = Object.freeze({ ...(options.config ?? ({} as C)) })
  }

  /** Declares a pipeline. The builder runs when the graph is needed, never on the message path. */
  pipeline<In extends AnyRecord, H extends AnyHandle, PC extends AnyRecord = {}>(
    name: string,
    options: PipelineOptions<In, PC>,
    build: (pipeline: PipelineContext<PC, C>, input: DataFrame<In>) => H,
  ): Pipeline<In, ShapeOf<H>, PC> {
    this.claim(name, 'pipeline')
    const impl = new PipelineImpl(this.name, name, options.input, Object.freeze({ ...(options.config ?? {}) }), this.config, build as never)
    const pipeline = impl as unknown as Pipeline<In, ShapeOf<H>, PC>
    this.pipelines.set(name, pipeline)
    return pipeline
  }

  /** A simple consumer: runs where it is subscribed; the record passes on unchanged. */
  consumer<I extends object>(name: string, fn: (record: I) => unknown): Consumer<I> {
    this.claim(name, 'consumer')
    const consumer = createConsumer(this.name, name, 'simple', fn)
    this.consumers.set(name, consumer as Consumer<never>)
    return consumer
  }

  private claim(name: string, what: string): void {
    assertValidName(name, what)
    if (this.pipelines.has(name) || this.consumers.has(name)) {
      throw new NameError(
        'DUPLICATE_NAME',
        `app '${this.name}': the name '${name}' is used twice (a ${what} cannot share a name with another pipeline or consumer)`,
      )
    }
  }

  toString(): string {
    return `App(${this.name})`
  }
}
