// `app.producer(...)`: a generator of rows sent to one or more pipelines, with backpressure.

import { StairsError } from '../errors.js'
import type { AnyPipeline } from './pipeline-types.js'
import type { ProducerContext, RowSource } from './producer-types.js'

export interface ProducerOptions<P extends readonly AnyPipeline[]> {
  /** The pipelines every row goes to (each checks it against its input schema). */
  pipelines: P
  /** Wait while a pipeline's input queue holds more than this many records (backpressure). */
  limit?: number
}

/** A declared producer: what `runProducer` and `stairs producer:process` run. */
export interface Producer<Row, C = unknown> {
  readonly kind: 'producer'
  readonly app: string
  readonly name: string
  readonly pipelines: readonly AnyPipeline[]
  readonly limit: number | undefined
  /** The app's config, handed to the generator. */
  readonly config: C
  readonly generate: (context: ProducerContext<C>) => RowSource<Row>
}

export function createProducer<Row, C>(
  app: string,
  name: string,
  options: ProducerOptions<readonly AnyPipeline[]>,
  generate: (context: ProducerContext<C>) => RowSource<Row>,
  config: C,
): Producer<Row, C> {
  const where = `producer '${app}.${name}'`
  if (!Array.isArray(options.pipelines) || options.pipelines.length === 0)
    throw new StairsError('CONFIG', `${where}: list at least one pipeline in { pipelines: [...] }`)
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0))
    throw new StairsError('CONFIG', `${where}: limit must be a positive integer, got ${options.limit}`)
  if (typeof generate !== 'function') throw new StairsError('CONFIG', `${where}: the last argument must be a generator function`)
  return Object.freeze({
    kind: 'producer',
    app,
    name,
    pipelines: Object.freeze([...options.pipelines]),
    limit: options.limit,
    config,
    generate,
  })
}
