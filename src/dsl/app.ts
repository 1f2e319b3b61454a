import { NameError } from '../errors.js'
import { assertValidName } from '../names.js'
import type { Consumer } from './consumer.js'
import { createConsumer } from './consumer.js'
import type { AnyHandle, DataFrame, ShapeOf } from './handle-types.js'
import { type PipelineContext, PipelineImpl } from './pipeline.js'
import type { AnyPipeline, InputSchema, Pipeline, PipelineInput } from './pipeline-types.js'
import { createProducer, type Producer, type ProducerOptions } from './producer.js'
import type { ProducerContext, ProducerRow, RowSource } from './producer-types.js'
import type { AnyRecord } from './shape-types.js'
import { createWorkerProducer, type WorkerProducer, type WorkerProducerOptions, type WorkerProducerSource } from './worker-producer.js'

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
  /** Producers and worker producers, by name. */
  readonly producers = new Map<string, Producer<unknown, C> | WorkerProducer<unknown, unknown, C>>()

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

  /**
   * A standalone consumer: records wait in its own queue until one process runs it
   * (`stairs consumer:standalone app.name`), for single-writer sinks such as a file.
   */
  standaloneConsumer<I extends object>(name: string, fn: (record: I) => unknown): Consumer<I> {
    return this.addConsumer(name, 'standalone', fn)
  }

  /**
   * An iterator consumer: `consumeIter(consumer, ...)` is an async iterable over the records that
   * reach it, mapped by `fn` (identity by default), e.g. the feed of a training loop.
   */
  consumerIter<I extends object, O = I>(name: string, fn?: (record: I) => O): Consumer<I, O> {
    return this.addConsumer(name, 'iter', fn ?? ((record: I) => record as unknown as O))
  }

  /**
   * A producer: an async generator whose rows go to each listed pipeline (checked against each
   * input schema); with `limit`, it waits while a pipeline's input queue holds more than `limit`.
   *
   * @example
   * app.producer('lines', { pipelines: [clean], limit: 10_000 }, async function* () {
   *   for await (const text of readLines('data.txt')) yield { text }
   * })
   */
  producer<const P extends readonly AnyPipeline[]>(
    name: string,
    options: ProducerOptions<P>,
    generate: (context: ProducerContext<C>) => RowSource<ProducerRow<P>>,
  ): Producer<ProducerRow<P>, C> {
    this.claim(name, 'producer')
    const producer = createProducer(this.name, name, options, generate, this.config)
    this.producers.set(name, producer as Producer<unknown, C>)
    return producer
  }

  /**
   * A worker producer: `batches` lists the batches once (`producer:init`); any number of
   * `producer:process` runs claim batches with a lease and `read` each one into rows.
   *
   * @example
   * app.workerProducer('users', { pipeline: clean }, {
   *   batches: () => range(0, 100),
   *   read: async function* (page) { yield* await fetchPage(page) },
   * })
   */
  workerProducer<P extends AnyPipeline, B>(
    name: string,
    options: WorkerProducerOptions<P>,
    source: WorkerProducerSource<B, PipelineInput<P>, C>,
  ): WorkerProducer<B, PipelineInput<P>, C> {
    this.claim(name, 'worker producer')
    const producer = createWorkerProducer(this.name, name, options, source, this.config)
    this.producers.set(name, producer as unknown as WorkerProducer<unknown, unknown, C>)
    return producer
  }

  private addConsumer<I, O>(name: string, kind: 'standalone' | 'iter', fn: (record: I) => O): Consumer<I, O> {
    this.claim(name, 'consumer')
    const consumer = createConsumer(this.name, name, kind, fn)
    this.consumers.set(name, consumer as Consumer<never>)
    return consumer
  }

  private claim(name: string, what: string): void {
    assertValidName(name, what)
    if (this.pipelines.has(name) || this.consumers.has(name) || this.producers.has(name)) {
      throw new NameError(
        'DUPLICATE_NAME',
        `app '${this.name}': the name '${name}' is used twice (a ${what} cannot share a name with another pipeline, consumer or producer)`,
      )
    }
  }

  toString(): string {
    return `App(${this.name})`
  }
}
